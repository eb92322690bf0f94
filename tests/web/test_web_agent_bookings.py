"""Booked calls out (撥出預約) on the agent console: book, check, cancel, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from agent_support import agent_client, agent_row, agent_user, make_user
from flask.testing import FlaskClient
from helpers_i18n import assert_translated

from appliance.store.models import ScheduledDial, User

__all__ = ["agent_client", "agent_row", "agent_user"]  # fixtures

pytestmark = pytest.mark.usefixtures("admin_exists")


def local(delta: timedelta) -> str:
    """Return a datetime-local field value this far from now (the test box runs on UTC)."""
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M")


def test_a_booking_is_kept_with_its_time_and_errors_keep_what_was_typed(
    agent_client: tuple[FlaskClient, str], agent_user: User
) -> None:
    client, token = agent_client
    past = {"csrf_token": token, "number": "9010123", "at": local(-timedelta(hours=1))}
    bad = client.post("/agent/bookings", data=past)
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "Choose a time in the future." in page and 'value="9010123"' in page
    nonsense = client.post("/agent/bookings", data={"csrf_token": token, "number": "abc",
                                                    "at": "tomorrow"})  # fmt: skip
    assert "Enter a phone number." in nonsense.get_data(True)
    assert "Enter a date and time." in nonsense.get_data(True)
    far = client.post("/agent/bookings", data={**past, "at": local(timedelta(days=40))})
    assert "Book at most 31 days ahead." in far.get_data(True)
    when = local(timedelta(hours=2))
    ok = client.post("/agent/bookings", data={**past, "at": when, "note": "quote"})
    assert ok.status_code == 302
    row = ScheduledDial.get(ScheduledDial.user == agent_user)
    assert (row.extension, row.number, row.note, row.status) == ("1001", "9010123", "quote",
                                                                 "pending")  # fmt: skip
    expected = datetime.strptime(when, "%Y-%m-%dT%H:%M").replace(tzinfo=UTC).timestamp()
    assert abs(row.due_at - expected) < 1
    listed = client.get("/agent/bookings").get_data(as_text=True)
    assert when.replace("T", " ") in listed and "quote" in listed


def test_only_my_waiting_bookings_can_be_cancelled_and_finished_ones_show_their_result(
    agent_client: tuple[FlaskClient, str], agent_user: User
) -> None:
    client, token = agent_client
    mine = ScheduledDial.create(user=agent_user, extension="1001", number="9010", due_at=2e9)
    theirs = ScheduledDial.create(user=make_user("li"), extension="1002", number="9011",
                                  due_at=2e9)  # fmt: skip
    done = ScheduledDial.create(user=agent_user, extension="1001", number="9012", due_at=1.7e9,
                                status="failed", detail="busy: in a call")  # fmt: skip
    assert client.post(f"/agent/bookings/{theirs.id}/cancel",
                       data={"csrf_token": token}).status_code == 404  # fmt: skip
    assert client.post(f"/agent/bookings/{done.id}/cancel",
                       data={"csrf_token": token}).status_code == 404  # fmt: skip
    assert client.post(f"/agent/bookings/{mine.id}/cancel",
                       data={"csrf_token": token}).status_code == 302  # fmt: skip
    assert ScheduledDial.get_by_id(mine.id).status == "cancelled"
    assert ScheduledDial.get_by_id(theirs.id).status == "pending"
    page = client.get("/agent/bookings").get_data(as_text=True)
    assert "Earlier bookings" in page and "Failed" in page and "Cancelled" in page
    assert "9011" not in page  # someone else's


def test_the_page_in_chinese(agent_client: tuple[FlaskClient, str], agent_user: User) -> None:
    client, _ = agent_client
    User.update(language="zh_CN").where(User.id == agent_user.id).execute()
    ScheduledDial.create(user=agent_user, extension="1001", number="9010", due_at=2e9)
    ScheduledDial.create(user=agent_user, extension="1001", number="9012", due_at=1.7e9,
                         status="missed")  # fmt: skip
    page = client.get("/agent/bookings").get_data(as_text=True)
    assert "预约外呼" in page and "已错过" in page and "以往的预约" in page
    assert_translated(page, allowed=["wang"])
