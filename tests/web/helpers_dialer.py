"""Helpers of the dialer page tests: a full campaign form, a queue, contact files."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from helpers_web import csrf_from

from appliance.store.models import Agent, Queue, QueueMember

CAMPAIGN_FORM = {
    "name": "回访", "mode": "progressive", "queue": "sales", "agents": "", "flow": "",
    "caller_id": "+861065529988", "script": "Hello, this is ACME calling about your order.",
    "window_mon": "09:00-12:00, 13:30-20:00", "window_tue": "09:00-20:00",
    "window_wed": "09:00-20:00", "window_thu": "09:00-20:00", "window_fri": "09:00-20:00",
    "window_sat": "", "window_sun": "", "holidays_from": "", "default_zone": "Asia/Shanghai",
    "drop_cap": "3", "max_channels": "10", "dispositions": "",
    "retry_busy_delay": "10", "retry_busy_max": "5", "retry_no_answer_delay": "60",
    "retry_no_answer_max": "4", "retry_failed_delay": "", "retry_failed_max": "",
    "retry_machine_delay": "", "retry_machine_max": "", "retry_dropped_delay": "5",
    "retry_dropped_max": "5", "max_attempts": "10", "default_delay": "30",
}  # fmt: skip
CSV_ONE_BAD = (
    "姓名,手机,城市\n张三,13800138000,北京\n李四,12345,上海\n王五,13900139000,广州\n"
).encode()


def sales_queue(extension: str = "1001") -> Queue:
    """Return queue sales with agent extension as a member."""
    queue = Queue.create(name="sales")
    agent = Agent.get_or_none(Agent.extension == extension) or Agent.create(
        extension=extension, name="Wang Fang", sip_password="x"
    )
    QueueMember.create(queue=queue, agent=agent)
    return queue


def post(client: FlaskClient, path: str, form: dict[str, Any], **kw: Any) -> Any:
    """Post form as a page of the dialer would (with the session's CSRF token)."""
    token = csrf_from(client.get("/campaigns/new").get_data(as_text=True))
    return client.post(path, data={**form, "csrf_token": token}, **kw)
