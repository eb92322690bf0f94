"""The store's tables as peewee models.

Call events are the record of truth (DESIGN §3): CDRs, the queue log, reports and
the wallboard are derived from them.  Times are UTC.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from appliance.store.database import db


def utcnow() -> datetime:
    """Return the current UTC time without tzinfo (as stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


class JSONField(TextField):
    """A JSON document stored as text."""

    def db_value(self, value: Any) -> str | None:
        """Return value serialised for the database."""
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def python_value(self, value: str | None) -> Any:
        """Return the stored text parsed."""
        return None if value is None else json.loads(value)


class BaseModel(Model):
    """Base of every callbox table."""

    id = AutoField()

    class Meta:
        database = db
        legacy_table_names = False


class User(BaseModel):
    """A person who logs in to the web UI."""

    username = CharField(unique=True)
    password_hash = CharField()
    role = CharField(default="admin")  # admin | supervisor | agent | reseller
    language = CharField(default="en")
    created_at = DateTimeField(default=utcnow)
    extension = CharField(default="")  # the agent phone this user works at (agent console)


class ApiToken(BaseModel):
    """A bearer token for the REST API; only its SHA-256 is kept."""

    user = ForeignKeyField(User, backref="tokens", on_delete="CASCADE")
    name = CharField()
    token_hash = CharField(unique=True)
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)


class Agent(BaseModel):
    """An agent: an extension with SIP credentials and a working state."""

    extension = CharField(unique=True)
    name = CharField()
    sip_password = CharField()
    state = CharField(default="logged_out")  # logged_out | ready | not_ready | dnd
    state_reason = CharField(default="")  # why not ready: a reason code, or the box's own
    auto_ready = BooleanField(default=False)  # ready as soon as the phone registers
    wrap_up_seconds = IntegerField(null=True)  # overrides the queue's wrap-up when set
    forward_to = CharField(default="")  # direct calls go to this number when set
    forward_busy = CharField(default="")  # ... when in a call or DND (docs/pbx.md)
    forward_no_answer = CharField(default="")  # ... when unanswered or not registered
    forward_ring_seconds = IntegerField(default=20)  # rung this long before forward_no_answer
    call_waiting = BooleanField(default=False)  # a colleague's call rings while in a call
    created_at = DateTimeField(default=utcnow)
    # Class of service (callflow/call_class.py): the widest calls out allowed, when, how long.
    call_class = CharField(default="national")  # internal | local | national | international
    call_hours = CharField(default="")  # a business-hours schedule; empty: at any time
    max_call_seconds = IntegerField(default=0)  # 0: no limit
    caller_id = CharField(default="")  # presented on calls out; empty: the route's
    record_calls_out = BooleanField(default=False)  # the recording policy page
    # The desk phone provisioned for this agent (provisioning/phones, docs/provisioning.md).
    phone_mac = CharField(default="", index=True)  # 12 lowercase hex digits; "": no phone
    phone_vendor = CharField(default="")  # yealink | grandstream | fanvil | snom | poly
    phone_model = CharField(default="")  # free text, e.g. T54W (shown, not interpreted)


class Queue(BaseModel):
    """A call queue served by member agents."""

    name = CharField(unique=True)
    title = CharField(default="")
    strategy = CharField(default="longest_idle")
    music_class = CharField(default="default")
    ring_seconds = IntegerField(default=20)
    max_wait_seconds = IntegerField(default=600)
    wrap_up_seconds = IntegerField(default=0)
    record = BooleanField(default=True)
    autopause_after = IntegerField(default=3)  # unanswered rings in a row; 0: never pause
    max_callers = IntegerField(default=0)  # callers waiting at most; 0: no limit
    overflow = CharField(default="")  # where callers go past max wait or max callers (see acd)
    skills = JSONField(default=dict)  # required skill levels, {"billing": 3} (callflow/skills.py)
    skill_widen = JSONField(default=list)  # [[seconds waited, levels relaxed], ...]
    sticky_days = IntegerField(default=30)  # sticky strategy: who served the caller this recently
    preferred_wait_seconds = IntegerField(default=0)  # keep a caller for a busy owner / last agent
    # What waiting callers hear and may do (appliance/callflow/queue_options.py).
    announce_seconds = IntegerField(default=0)  # position and expected wait; 0: off
    periodic_seconds = IntegerField(default=0)  # periodic_prompt this often; 0: off
    periodic_prompt = CharField(default="queue-periodic")
    exit_key = CharField(default="")  # a DTMF key leading to exit_target
    exit_target = CharField(default="")  # callback, voicemail[:box], ivr:, queue:, external:
    join_when = CharField(default="staffed")  # always | staffed | ready | available
    stay_when = CharField(default="always")  # same levels, checked while callers wait
    callback_attempts = IntegerField(default=3)
    callback_retry_seconds = IntegerField(default=60)
    service_level_seconds = IntegerField(default=20)  # answered within: the SL goal (metrics)
    recording_retention_days = IntegerField(default=0)  # recordings deleted after; 0: kept (qa.md)


class QueueCallback(BaseModel):
    """A caller's request to be called back, holding their place in a queue."""

    callback_id = CharField(unique=True)
    call_id = CharField(index=True)  # the call in which it was asked for
    queue = CharField()
    number = CharField()
    priority = IntegerField(default=0)
    joined_at = FloatField()  # the caller's place in line (UNIX time they joined)
    requested_at = FloatField()
    attempts = IntegerField(default=0)  # calls to the customer made so far
    state = CharField(default="waiting")  # waiting | done | failed
    updated_at = FloatField()


class QueueMember(BaseModel):
    """An agent's membership of a queue."""

    queue = ForeignKeyField(Queue, backref="members", on_delete="CASCADE")
    agent = ForeignKeyField(Agent, backref="memberships", on_delete="CASCADE")
    penalty = IntegerField(default=0)
    logged_in = BooleanField(default=True)  # the agent takes this queue's calls (queue login)

    class Meta:
        indexes = ((("queue", "agent"), True),)


class AgentSkill(BaseModel):
    """An agent's level in one skill (0 is the same as not having it)."""

    agent = ForeignKeyField(Agent, backref="skills", on_delete="CASCADE")
    skill = CharField()
    level = IntegerField(default=1)

    class Meta:
        indexes = ((("agent", "skill"), True),)


class Customer(BaseModel):
    """A customer known by calling number: their owner agent and VIP tier (按客户转接)."""

    number = CharField(unique=True)  # as dialled in; matched in E.164 form
    name = CharField(default="")
    owner = ForeignKeyField(Agent, null=True, backref="customers", on_delete="SET NULL")
    vip = IntegerField(default=0)  # VIP tier: callers' queue priority is at least this
    region = CharField(default="")  # overrides the region of the number's prefix
    account = CharField(default="", index=True)  # what an IVR lookup by account matches
    notes = TextField(default="")
    company = CharField(default="")
    address = TextField(default="")
    other_numbers = CharField(default="")  # more numbers of the customer, comma separated
    created_at = DateTimeField(default=utcnow)


class RoutingRule(BaseModel):
    """A conditional routing rule of a queue, looked at when a caller enters it (rules.py)."""

    queue = ForeignKeyField(Queue, backref="routing_rules", on_delete="CASCADE")
    position = IntegerField(default=1)  # lower first; the first rule that matches decides
    conditions = JSONField(default=list)
    action = JSONField(default=dict)
    enabled = BooleanField(default=True)
    note = CharField(default="")


class RegionGroup(BaseModel):
    """Callers entering a queue from a region (按归属地) go to a target instead."""

    queue = ForeignKeyField(Queue, backref="region_groups", on_delete="CASCADE")
    region = CharField()  # "Beijing", "Guangdong" or "广东": see callflow/numbers.py
    target = CharField()  # "queue:<name>" or "ivr:<node>"

    class Meta:
        indexes = ((("queue", "region"), True),)


class Trunk(BaseModel):
    """A carrier connection: an IP-authenticated peer or a registration."""

    name = CharField(unique=True)
    kind = CharField(default="peer")  # peer | register | line (a board port: host)
    host = CharField()
    port = IntegerField(default=5060)
    username = CharField(default="")
    password = CharField(default="")
    max_channels = IntegerField(default=0)  # 0: no limit
    enabled = BooleanField(default=True)


class OutboundRoute(BaseModel):
    """Numbers matching the dial patterns go out on the trunks, in order (callflow/dialplan.py)."""

    name = CharField(unique=True)
    position = IntegerField(default=1)  # lower first; the first matching route decides
    patterns = JSONField(default=list)  # ["9|0ZX.", "1[3-9]XXXXXXXXX"]
    prepend = CharField(default="")
    trunks = JSONField(default=list)  # trunk names, tried in this order
    caller_id = CharField(default="")
    enabled = BooleanField(default=True)


class IvrFlow(BaseModel):
    """A version of an IVR flow graph (JSON); one version per name is active."""

    name = CharField()
    version = IntegerField(default=1)
    graph = JSONField()
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("name", "version"), True),)


class InboundNumber(BaseModel):
    """A dialled number (DID) and where its calls go."""

    number = CharField(unique=True)
    trunk = ForeignKeyField(Trunk, null=True, backref="numbers", on_delete="SET NULL")
    target_type = CharField(default="ivr")  # ivr | queue | agent | group | voicemail
    target = CharField()
    rules = TextField(default="")  # by caller ID and time, one per line (inbound_rules.py)


class CallEvent(BaseModel):
    """One step of one call, appended before the step is acknowledged."""

    call_id = CharField(index=True)  # also indexed (kind, at): m0027, for counts by kind
    at = FloatField()  # UNIX time
    kind = CharField()  # call.started, ivr.played, queue.joined, agent.answered, ...
    leg = CharField(default="")
    data = JSONField(default=dict)


class CallLeg(BaseModel):
    """One SIP dialog of a call."""

    call_id = CharField(index=True)
    leg_id = CharField(unique=True)
    role = CharField()  # caller | agent
    remote = CharField(default="")
    started_at = FloatField()
    answered_at = FloatField(null=True)
    ended_at = FloatField(null=True)
    end_reason = CharField(default="")


class Cdr(BaseModel):
    """The call detail record derived from a finished call's events."""

    call_id = CharField(unique=True)
    started_at = FloatField(index=True)
    ended_at = FloatField()
    from_number = CharField(default="")
    to_number = CharField(default="")
    direction = CharField(default="inbound")
    queue = CharField(null=True)
    agent = CharField(null=True)
    wait_seconds = FloatField(default=0)
    talk_seconds = FloatField(default=0)
    outcome = CharField()  # answered | abandoned | interrupted | failed
    recording = CharField(null=True)  # path relative to paths.recordings
    hold_seconds = FloatField(default=0)  # not in talk_seconds
    wrap_up_seconds = FloatField(default=0)  # the agent's, after the call (filled by rollups)
    transfers = IntegerField(default=0)
    overflows = IntegerField(default=0)  # times a queue's overflow sent the caller on
    overflow_queue = CharField(null=True)  # the first queue that did


class RollupInterval(BaseModel):
    """A report interval whose rollups are built and current (a CDR written in it drops it)."""

    start = IntegerField(primary_key=True)  # UNIX seconds, a multiple of the interval length
    built_at = FloatField()


class RollupFigures(BaseModel):
    """The figures of a rollup row: `metrics.Components`' fields (counts, times in ms)."""

    offered = IntegerField(default=0)
    answered = IntegerField(default=0)
    answered_in_threshold = IntegerField(default=0)
    abandoned = IntegerField(default=0)
    short_abandoned = IntegerField(default=0)
    abandoned_in_threshold = IntegerField(default=0)
    voicemail = IntegerField(default=0)
    callbacks = IntegerField(default=0)
    forwarded = IntegerField(default=0)
    failed = IntegerField(default=0)
    interrupted = IntegerField(default=0)
    overflowed = IntegerField(default=0)
    transfers = IntegerField(default=0)
    callback_calls = IntegerField(default=0)
    answered_wait_ms = IntegerField(default=0)
    talk_ms = IntegerField(default=0)
    hold_ms = IntegerField(default=0)
    wrap_up_ms = IntegerField(default=0)
    late_abandon_wait_ms = IntegerField(default=0)
    longest_wait_ms = IntegerField(default=0)


class QueueRollup(RollupFigures):
    """One queue's additive CDR figures over one interval at one threshold (reports/rollups.py)."""

    start = IntegerField()
    queue = CharField()  # "" for calls that reached no queue
    threshold = FloatField()  # the service-level threshold the *_in_threshold counts used

    class Meta:
        indexes = ((("start", "queue", "threshold"), True),)


class AgentRollup(RollupFigures):
    """The additive figures of the calls one agent answered, over one interval (default T)."""

    start = IntegerField()
    agent = CharField()

    class Meta:
        indexes = ((("start", "agent"), True),)


class ReasonCode(BaseModel):
    """A reason agents may give for not being ready (示忙原因)."""

    code = CharField(unique=True, max_length=64)
    title = CharField()
    title_zh = CharField(default="")
    paid = BooleanField(default=True)  # reports count paid pauses as working time
    enabled = BooleanField(default=True)


class BusinessHours(BaseModel):
    """A named schedule: weekly hours, holidays, worked weekend days (callflow/hours.py)."""

    name = CharField(unique=True)
    timezone = CharField()  # IANA name; the schedule's own clock, not the box's
    weekly = JSONField(default=dict)  # {"mon": ["09:00-12:00", "13:30-18:00"], ...}
    holidays = JSONField(default=list)  # ["2026-10-01", {"date", "until", "hours", "name"}]
    workdays = JSONField(default=list)  # 调休: [{"date", "like": "mon"} or {"date", "hours"}]


class Prompt(BaseModel):
    """A custom prompt: the admin's own audio for a name in one language (appliance/prompts)."""

    name = CharField(max_length=64)  # lowercase letters, digits, - and _; may shadow a built-in
    language = CharField(max_length=8)  # a folder under <paths.prompts>: en | zh
    source = CharField(max_length=16)  # upload | tts | phone
    text = TextField(default="")  # what text-to-speech said
    seconds = FloatField()
    bytes = IntegerField()  # size of the converted WAV
    updated_at = DateTimeField(default=utcnow)
    updated_by = CharField(default="")  # a user name or the extension that recorded it

    class Meta:
        indexes = ((("name", "language"), True),)


class SurveyResult(BaseModel):
    """A caller's answer to a post-call survey (docs/surveys.md); reports read `survey.answered`."""

    call_id = CharField(index=True)
    queue = CharField(null=True)  # the queue the call came through
    agent = CharField(null=True)  # the agent the caller rated (who hung up before the survey)
    flow = CharField()  # the IVR flow and the version the call ran on
    flow_version = IntegerField()
    node = CharField()  # the survey node
    score = IntegerField(null=True)  # the key pressed; None: no answer before the tries ran out
    comment = CharField(null=True)  # voice comment, relative to <var>/surveys
    created_at = DateTimeField(default=utcnow, index=True)


class VoicemailBox(BaseModel):
    """A mailbox: an agent's ("1001"), a queue's ("support") or the general one (voicemail.md)."""

    name = CharField(unique=True)  # what callers and flows name it by: an extension, a queue, …
    title = CharField(default="")
    agent = ForeignKeyField(Agent, null=True, backref="voicemail_boxes", on_delete="SET NULL")
    queue = ForeignKeyField(Queue, null=True, backref="voicemail_boxes", on_delete="SET NULL")
    pin_hash = CharField(default="")  # appliance/voicemail/pin.py; "": no listening by phone
    email = CharField(default="")  # where new messages are sent, the recording attached
    greeting = CharField(default="")  # a prompt name; "": the default greeting naming the box
    language = CharField(default="en")  # of the greeting, the listening menu and the e-mail
    max_seconds = IntegerField(default=120)  # a message is cut off after this long
    created_at = DateTimeField(default=utcnow)


class VoicemailMessage(BaseModel):
    """A message left in a box; `file` is relative to <var>/voicemail."""

    box = ForeignKeyField(VoicemailBox, backref="messages", on_delete="CASCADE")
    call_id = CharField(index=True)
    caller = CharField(default="")  # the calling number
    file = CharField()
    seconds = FloatField(default=0)
    created_at = FloatField()  # UNIX time
    heard_at = FloatField(null=True)  # None: new; set: old (listened to)
    deleted = BooleanField(default=False)


class Broadcast(BaseModel):
    """A message a supervisor sent to every agent's page (docs/web.md, SSE `broadcast`)."""

    text = CharField(max_length=500)
    sender = CharField()  # the user name of who sent it
    created_at = FloatField(index=True)  # UNIX time


class AuditEntry(BaseModel):
    """One change made in the admin pages: who, when, what, and the object before and after.

    Secrets (SIP and trunk passwords, password hashes) are masked before they are kept.
    """

    at = DateTimeField(default=utcnow, index=True)
    username = CharField()  # kept as text: the log outlives a deleted user
    area = CharField(max_length=64)  # agents | queues | trunks | numbers | hours | users | ivr
    object_key = CharField()  # the object's name as people know it: extension, queue name...
    action = CharField(max_length=16)  # create | update | delete | publish | rollback
    before = JSONField(null=True)
    after = JSONField(null=True)


class DispositionCode(BaseModel):
    """An outcome an agent records at wrap-up (成交, 已解决...)."""

    code = CharField(unique=True, max_length=64)
    title = CharField()
    title_zh = CharField(default="")
    enabled = BooleanField(default=True)


class CallDisposition(BaseModel):
    """An agent's wrap-up of a call: its disposition code and note."""

    call_id = CharField(index=True)
    agent = CharField()  # extension
    code = CharField(max_length=64)
    note = TextField(default="")
    created_at = DateTimeField(default=utcnow)


class AddressBookEntry(BaseModel):
    """A number in a user's personal address book."""

    user = ForeignKeyField(User, backref="address_book", on_delete="CASCADE")
    name = CharField()
    number = CharField()
    note = CharField(default="")


class AgentMessage(BaseModel):
    """An internal message between users (agents and supervisors)."""

    sender = ForeignKeyField(User, backref="sent_messages", on_delete="CASCADE")
    recipient = ForeignKeyField(User, backref="messages", on_delete="CASCADE")
    body = TextField()
    created_at = DateTimeField(default=utcnow)
    read_at = DateTimeField(null=True)


class SetupState(BaseModel):
    """The first-run wizard: its setup token's SHA-256, the step reached, choices so far."""

    token_hash = CharField(default="")  # "" once an admin exists (the token is used up)
    token_created_at = DateTimeField(null=True)
    step = CharField(default="admin")  # the first step not done yet (web/setup/const.py)
    choices = JSONField(default=dict)  # what the user chose per step, to resume and to show
    completed_at = DateTimeField(null=True)


class LoginAttempt(BaseModel):
    """A failed login (or setup token), counted per username and per address."""

    username = CharField(index=True)
    address = CharField(index=True)
    at = DateTimeField(default=utcnow, index=True)


class QaScorecard(BaseModel):
    """A QA scorecard (质检评分表): criteria a supervisor scores recorded calls on (docs/qa.md)."""

    name = CharField(unique=True, max_length=100)
    criteria = JSONField(default=list)  # [{"label", "weight", "max_points"}] (qa/scorecard.py)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class QaEvaluation(BaseModel):
    """A supervisor's scoring of one recorded call against a snapshot of a scorecard.

    The criteria are copied in, so editing or deleting the scorecard later never
    changes this score.
    """

    call_id = CharField(index=True)
    scorecard = ForeignKeyField(QaScorecard, null=True, backref="evaluations", on_delete="SET NULL")
    scorecard_name = CharField()  # as it was named when the call was scored
    criteria = JSONField(default=list)  # the scorecard's criteria at scoring time
    points = JSONField(default=list)  # points per criterion, in the criteria's order
    score = FloatField()  # weighted percentage 0-100 (qa/scorecard.py: score)
    comment = TextField(default="")
    agent = CharField(default="", index=True)  # extension, from the CDR
    queue = CharField(default="", index=True)  # from the CDR
    evaluator = CharField()  # user name of the supervisor or admin
    created_at = DateTimeField(default=utcnow, index=True)


class ReportSchedule(BaseModel):
    """A report e-mailed on a schedule, its range relative to the run (reports/schedules.py)."""

    name = CharField(unique=True, max_length=64)
    report_range = CharField(max_length=16)  # yesterday | last_week | last_month
    queue = CharField(default="")  # "" for every queue
    file_format = CharField(max_length=8)  # csv | xlsx
    recipients = TextField()  # e-mail addresses, one per line
    frequency = CharField(max_length=16)  # daily | weekly | monthly
    at = CharField(max_length=5)  # "HH:MM", the box's time zone
    weekday = IntegerField(default=0)  # weekly: 0 = Monday
    day_of_month = IntegerField(default=1)  # monthly: 1..28
    enabled = BooleanField(default=True)
    created_at = FloatField()  # UNIX time; no run is due for a moment before it
    last_run_at = FloatField(null=True)


class BlockedNumber(BaseModel):
    """A calling number (or prefix ending in *) refused on every call in from a trunk."""

    number = CharField(unique=True)
    note = CharField(default="")
    created_at = DateTimeField(default=utcnow)


class SpeedDial(BaseModel):
    """A short code a phone dials as *0<code> to call a number (the box's speed-dial list)."""

    code = CharField(unique=True)  # 0-99
    number = CharField()  # an extension, a group or an outside number (as a phone dials it)
    name = CharField(default="")
    created_at = DateTimeField(default=utcnow)


class RingGroup(BaseModel):
    """A number that rings several extensions at once or in order (callflow/ring_groups.py)."""

    number = CharField(unique=True)  # dialled like an extension; an inbound number's target
    name = CharField(default="")
    strategy = CharField(default="simultaneous")  # simultaneous | in_order
    members = JSONField(default=list)  # extensions, in order
    ring_seconds = IntegerField(default=20)
    no_answer = CharField(default="")  # an extension or an outside number; "": 480


class Alert(BaseModel):
    """A condition someone must see: raised by any process, shown as a web banner.

    One row per condition (`key`, e.g. ``disk.recordings``); raising it again while it is
    active only bumps `last_seen_at` and `count`.  The watchdog delivers new alerts
    (e-mail, syslog) and stamps `notified_at`.  See appliance/health/alerts.py.
    """

    key = CharField(unique=True)  # the condition, stable: "<area>.<what>"
    kind = CharField()  # what the web translates: disk_low, service_down, backup_verify_failed…
    severity = CharField(default="warning")  # warning | critical
    params = JSONField(default=dict)  # values the translated text names (path, free, service…)
    detail = TextField(default="")  # technical detail as the raiser saw it (may be English)
    raised_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(default=utcnow)
    count = IntegerField(default=1)
    cleared_at = DateTimeField(null=True, index=True)  # null while the condition holds
    notified_at = DateTimeField(null=True)  # delivered by the watchdog's notifier


class ScheduledDial(BaseModel):
    """A call out booked ahead (撥出預約): at `due_at` the box rings the user's phone, then
    calls the number and bridges them — a click-to-dial the scheduler makes on time.

    pending → dialled (detail: the call id) | failed (detail: the engine's reason) |
    missed (the box was down past the grace) | cancelled (by the user).
    """

    user = ForeignKeyField(User, backref="scheduled_dials", on_delete="CASCADE")
    extension = CharField()  # the phone rung first: the user's extension when booked
    number = CharField()
    note = CharField(default="")
    due_at = FloatField(index=True)  # UNIX time
    status = CharField(default="pending")
    detail = CharField(default="")
    created_at = DateTimeField(default=utcnow)
    done_at = FloatField(null=True)


class Campaign(BaseModel):
    """An outbound campaign: who it calls, how it paces, when, and how it retries (dialer.md)."""

    name = CharField(unique=True, max_length=100)
    mode = CharField(max_length=16)  # preview | progressive | predictive | agentless
    status = CharField(max_length=16, default="draft")  # draft | running | paused | stopped…
    caller_id = CharField(default="")  # the number shown to the called; "": the trunk's
    queue = CharField(default="")  # the queue whose agents take the calls (not agentless)
    agents = JSONField(default=list)  # agent extensions; []: the queue's members
    flow = CharField(default="")  # the IVR flow an agentless call plays
    script = TextField(default="")  # what agents see beside the record
    retry_policy = JSONField(default=dict)  # RetryPolicy.to_json(); {}: the standard one
    window = JSONField(default=dict)  # {"mon": ["09:00-20:00"], ...} on the contact's clock
    holidays_from = CharField(default="")  # a business-hours schedule whose holidays are closed
    default_zone = CharField(default="Asia/Shanghai")  # for a number that tells no zone
    drop_cap = FloatField(default=0.03)  # share of answered calls, campaign and per day
    max_channels = IntegerField(default=0)  # calls at once at most; 0: the trunk's limit
    created_at = DateTimeField(default=utcnow)
    started_at = DateTimeField(null=True)
    start_at = FloatField(null=True)  # UNIX time the scheduler starts it; null: by hand
    stop_at = FloatField(null=True)  # UNIX time the scheduler pauses it; null: by hand
    dispositions = JSONField(default=list)  # the agents' choices (m0041); []: the default set
    amd = BooleanField(default=False)  # answering-machine detection on answer (m0040)


class ContactList(BaseModel):
    """One imported file of a campaign's contacts, with its import's counts."""

    campaign = ForeignKeyField(Campaign, backref="lists", on_delete="CASCADE")
    name = CharField()
    source = CharField(default="")  # the file name as uploaded
    encoding = CharField(default="")  # utf-8, utf-8-sig, gb18030, xlsx
    rows = IntegerField(default=0)
    imported = IntegerField(default=0)
    rejected = IntegerField(default=0)
    report = JSONField(default=list)  # the rejected rows: [{row, column, problem, value, detail}]
    created_at = DateTimeField(default=utcnow)


class CampaignContact(BaseModel):
    """A number a campaign calls, with where its calling stands."""

    contact_list = ForeignKeyField(ContactList, backref="contacts", on_delete="CASCADE")
    campaign = ForeignKeyField(Campaign, backref="contacts", on_delete="CASCADE")
    number = CharField()  # E.164
    name = CharField(default="")
    timezone = CharField(default="")  # "": derived from the number when dialled
    fields = JSONField(default=dict)  # the file's other columns, shown to the agent
    attempts = IntegerField(default=0)
    next_attempt_at = FloatField(null=True, index=True)  # UNIX time; null: due now
    last_outcome = CharField(default="")
    disposition = CharField(default="")
    notes = TextField(default="")
    done = BooleanField(default=False)  # reached, out of attempts or closed by a disposition
    row = IntegerField(default=0)  # its row in the imported file

    class Meta:
        indexes = ((("campaign", "number"), True),)


class DoNotCallNumber(BaseModel):
    """A number never dialled: by every campaign (no campaign) or by one."""

    number = CharField(index=True)  # E.164
    campaign = ForeignKeyField(Campaign, null=True, backref="dnc", on_delete="CASCADE")
    note = CharField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("number", "campaign"), True),)


class DialAttempt(BaseModel):
    """One call a campaign placed, and how it ended."""

    campaign = ForeignKeyField(Campaign, backref="dials", on_delete="CASCADE")
    contact = ForeignKeyField(CampaignContact, backref="dials", on_delete="CASCADE")
    number = CharField()
    call_id = CharField(default="")  # the engine's call, for its CDR
    agent = CharField(default="")
    started_at = FloatField()  # UNIX time
    ended_at = FloatField(null=True)
    outcome = CharField(default="")  # dialer const.Outcome; "" while it rings


class ScheduledCallback(BaseModel):
    """A contact to call back at a time, by the same agent or by anyone."""

    campaign = ForeignKeyField(Campaign, backref="callbacks", on_delete="CASCADE")
    contact = ForeignKeyField(CampaignContact, backref="callbacks", on_delete="CASCADE")
    due_at = FloatField(index=True)  # UNIX time
    agent = CharField(default="")  # the agent it is kept for; "": anyone
    note = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    done_at = FloatField(null=True)


class BackupTarget(BaseModel):
    """Where archives go: a local folder, a USB disk by label, an SFTP server.

    `options` are the kind's settings (appliance/backup/targets/); its secrets (an SFTP
    password) are kept apart in a root-only file (appliance/backup/secrets.py).
    """

    name = CharField(unique=True, max_length=64)
    kind = CharField(max_length=16)  # local | usb | sftp
    options = JSONField(default=dict)
    created_at = FloatField()  # UNIX time


class BackupSchedule(BaseModel):
    """A backup run on a schedule (like ReportSchedule) to a target, keeping the newest N."""

    name = CharField(unique=True, max_length=64)
    target = ForeignKeyField(BackupTarget, backref="schedules", on_delete="RESTRICT")
    frequency = CharField(max_length=16)  # daily | weekly | monthly
    at = CharField(max_length=5)  # "HH:MM", the box's time zone
    weekday = IntegerField(default=0)  # weekly: 0 = Monday
    day_of_month = IntegerField(default=1)  # monthly: 1..28
    recordings = BooleanField(default=False)
    incremental = BooleanField(default=True)  # recordings only: new ones since the last archive
    encrypt = BooleanField(default=False)  # with the passphrase kept in the secrets file
    keep = IntegerField(default=7)  # archives kept on the target (never fewer than 2 full)
    enabled = BooleanField(default=True)
    created_at = FloatField()  # UNIX time; no run is due for a moment before it
    last_run_at = FloatField(null=True)


class BackupRun(BaseModel):
    """One backup, verify or restore run: when, how it ended, which archive (the run log)."""

    kind = CharField(max_length=16)  # backup | verify | restore
    schedule_id = IntegerField(null=True)  # kept when the schedule is deleted (history)
    schedule_name = CharField(default="")
    target_name = CharField(default="")
    started_at = FloatField(index=True)  # UNIX time
    finished_at = FloatField(null=True)
    status = CharField(max_length=16, default="running")  # running | ok | failed
    stage = CharField(max_length=16, default="")  # while running: archive | upload | ...
    progress = FloatField(default=0.0)  # while running: 0..1 of the stage
    archive = CharField(default="")  # the archive's file name on the target
    base = CharField(default="")  # incremental: the archive whose recordings it builds on
    size = IntegerField(default=0)  # bytes
    message = TextField(default="")


class ResellerUnit(BaseModel):
    """A box a reseller watches: its serial, the hash of the token its reports carry.

    The latest report is kept on the row (with the fields the list sorts and filters
    by); older ones are `UnitReport` rows, a short history (web/reseller/services.py).
    """

    reseller = ForeignKeyField(User, backref="units", on_delete="CASCADE")
    serial = CharField(max_length=64)
    label = CharField(default="")  # the reseller's name for it (a customer, a site)
    token_hash = CharField(unique=True)  # SHA-256 of the unit's report token
    created_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(null=True)  # when the latest report arrived
    version = CharField(default="")  # callbox version of the latest report
    health = CharField(default="")  # ok | warning | critical, of the latest report
    calls_today = IntegerField(default=0)
    report = JSONField(null=True)  # the latest report as sent

    class Meta:
        indexes = ((("reseller", "serial"), True),)


class UnitReport(BaseModel):
    """One report a unit sent (the newest few per unit are kept)."""

    unit = ForeignKeyField(ResellerUnit, backref="reports", on_delete="CASCADE")
    received_at = DateTimeField(default=utcnow, index=True)
    report = JSONField()


ALL_MODELS: list[type[BaseModel]] = [
    User,
    ApiToken,
    Agent,
    Queue,
    QueueMember,
    Trunk,
    IvrFlow,
    InboundNumber,
    CallEvent,
    CallLeg,
    Cdr,
    RollupInterval,
    QueueRollup,
    AgentRollup,
    AgentSkill,
    Customer,
    RoutingRule,
    RegionGroup,
    ReasonCode,
    QueueCallback,
    BusinessHours,
    Prompt,
    SurveyResult,
    VoicemailBox,
    VoicemailMessage,
    Broadcast,
    AuditEntry,
    DispositionCode,
    CallDisposition,
    AddressBookEntry,
    AgentMessage,
    SetupState,
    LoginAttempt,
    QaScorecard,
    QaEvaluation,
    ReportSchedule,
    BlockedNumber,
    RingGroup,
    Alert,
    ScheduledDial,
    Campaign,
    ContactList,
    CampaignContact,
    DoNotCallNumber,
    DialAttempt,
    ScheduledCallback,
    BackupTarget,
    BackupSchedule,
    BackupRun,
    SpeedDial,
    ResellerUnit,
    UnitReport,
]
