"""Campaigns in the store: migration 34, lists imported, due contacts, DNC at dial time, retries."""

from __future__ import annotations

from pathlib import Path

import pytest
from dialer_support import at
from peewee import Database
from store_support import database_at

from appliance.config import Settings
from appliance.dialer.campaign import CampaignState
from appliance.dialer.const import Outcome
from appliance.dialer.exceptions import ImportFileError
from appliance.dialer.retry import STANDARD
from appliance.dialer.selection import next_calls
from appliance.dialer.stats import PacingStats
from appliance.store import campaigns, migrations
from appliance.store.models import (
    BusinessHours,
    Campaign,
    CampaignContact,
    ContactList,
    DialAttempt,
    DoNotCallNumber,
    ScheduledCallback,
)

FILES = Path(__file__).parent.parent / "dialer" / "files"
TABLES = [Campaign, ContactList, CampaignContact, DoNotCallNumber, DialAttempt, ScheduledCallback]
WEEKDAYS = {day: ["09:00-20:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
MONDAY = at("2026-03-02 10:00")


def test_migration_34_creates_tables_matching_the_models(settings: Settings) -> None:
    """Each campaign table has exactly its model's columns, types and NOT NULLs."""
    database = database_at(settings, 33)
    applied = migrations.migrate(database, Path(settings.paths.backups))
    assert 34 in [m.version for m in applied]
    declared = {"AUTO": "INTEGER", "VARCHAR": "VARCHAR(255)", "TEXT": "TEXT", "INT": "INTEGER",
                "FLOAT": "REAL", "DATETIME": "DATETIME", "BOOL": "INTEGER"}  # fmt: skip
    for model in TABLES:
        table = model._meta.table_name
        columns = {row[1]: row for row in database.execute_sql(f'PRAGMA table_info("{table}")')}
        fields = model._meta.sorted_fields
        assert set(columns) == {f.column_name for f in fields}, table
        for f in fields:
            kind = declared[f.field_type]
            if f.field_type == "VARCHAR":
                kind = f"VARCHAR({f.max_length})"
            assert columns[f.column_name][2] == kind, (table, f.name)
            assert columns[f.column_name][3] == (0 if f.null else 1), (table, f.name)
    database.close()


def office_campaign(**options: object) -> Campaign:
    """Create a progressive campaign calling on weekdays."""
    return campaigns.create_campaign("回访", "progressive", window=WEEKDAYS, **options)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"mode": "robocall"}, "unknown mode"),
        ({"window": {"mon": ["9-17"]}}, "mon"),
        ({"retry_policy": {"rules": {"busy": [60, 0]}}}, "max attempts"),
        ({"holidays_from": "nowhere"}, "no business hours"),
        ({"drop_cap": 0.5}, "drop cap"),
    ],
)
def test_a_campaign_with_a_bad_setting_is_refused_and_not_stored(
    store: Database, options: dict[str, object], message: str
) -> None:
    """The settings are read as the pacing reads them before anything is stored."""
    spec = {"mode": "progressive", "window": WEEKDAYS} | options
    with pytest.raises(ValueError, match=message):
        campaigns.create_campaign("bad", **spec)  # type: ignore[arg-type]
    assert Campaign.select().count() == 0


def test_a_gbk_list_is_imported_with_its_report_and_a_second_import_adds_nothing(
    store: Database,
) -> None:
    """Good rows become contacts, bad ones the stored report; re-importing repeats nothing."""
    campaign = office_campaign()
    data = (FILES / "contacts_gbk.csv").read_bytes()
    listing, _ = campaigns.import_contacts(campaign, data, "客户.csv", "CN")
    assert (listing.rows, listing.imported, listing.rejected) == (8, 4, 4)
    assert listing.encoding == "gb18030"
    stored = ContactList.get_by_id(listing.id).report
    assert [(e["row"], e["problem"]) for e in stored] == [
        (5, "invalid_number"), (6, "duplicate_in_file"), (7, "blank"), (8, "bad_number")
    ]  # fmt: skip
    zhang = CampaignContact.get(CampaignContact.number == "+8613800138000")
    assert (zhang.name, zhang.fields, zhang.row) == ("张伟", {"城市": "北京", "备注": "老客户"}, 2)
    again, second = campaigns.import_contacts(campaign, data, "again.csv", "CN")
    assert again.imported == 0
    assert sum(e.problem.value == "already_in_list" for e in second.errors) == 5  # row 6 too
    assert CampaignContact.select().count() == 4


def test_an_unreadable_file_stores_no_list(store: Database) -> None:
    """A garbage file raises and leaves no empty list behind."""
    campaign = office_campaign()
    with pytest.raises(ImportFileError):
        campaigns.import_contacts(campaign, b"\xff\xfe\xfd" * 40, "x.csv", "CN")
    assert ContactList.select().count() == 0


def state_for(campaign: Campaign, now: float, ready: int = 10) -> CampaignState:
    """Return the state the engine would build for the campaign at a moment."""
    return CampaignState(
        campaigns.campaign_for(campaign), campaigns.due_contacts(campaign, now),
        campaigns.StoreDnc(), PacingStats(), ready_agents=tuple(f"a{n}" for n in range(ready)),
        free_channels=30,
    )  # fmt: skip


def test_dnc_added_after_import_is_honoured_at_the_next_pick(store: Database) -> None:
    """A number imported and then put on the global or campaign list is not dialled."""
    campaign = office_campaign()
    campaigns.import_contacts(campaign, (FILES / "contacts_gbk.csv").read_bytes(), "l.csv", "CN")
    assert len(next_calls(state_for(campaign, MONDAY), MONDAY)) == 4
    campaigns.add_dnc("138 0013 8000", "CN")
    campaigns.add_dnc("+86 139 1234 5678", "CN", campaign=campaign)
    campaigns.add_dnc("138 0013 8000", "CN")  # twice: one row
    numbers = {d.number for d in next_calls(state_for(campaign, MONDAY), MONDAY)}
    assert numbers == {"+861065529988", "+8675526668888"}
    assert DoNotCallNumber.select().count() == 2
    with pytest.raises(ValueError, match="not a phone number"):
        campaigns.add_dnc("hello", "CN")


def test_outside_the_window_nothing_is_due_to_dial(store: Database) -> None:
    """Saturday in Shanghai: the weekday campaign places nothing."""
    campaign = office_campaign()
    campaigns.import_contacts(campaign, b"number\n13800138000\n", "l.csv", "CN")
    saturday = at("2026-03-07 10:00")
    assert next_calls(state_for(campaign, saturday), saturday) == []


def test_an_attempt_schedules_the_retry_and_the_last_one_closes_the_contact(
    store: Database,
) -> None:
    """Busy comes back ten minutes later; after the fifth busy the contact is done."""
    campaign = office_campaign()
    campaigns.import_contacts(campaign, b"number\n13800138000\n", "l.csv", "CN")
    now = MONDAY
    for attempt in range(1, 6):
        dials = next_calls(state_for(campaign, now), now)
        assert len(dials) == 1, attempt
        started = campaigns.attempt_started(dials[0], now, call_id=f"c{attempt}")
        campaigns.attempt_ended(started, Outcome.BUSY, now + 5, STANDARD)
        assert next_calls(state_for(campaign, now + 60), now + 60) == []
        now += 5 + 600
    contact = CampaignContact.get()
    assert (contact.attempts, contact.done, contact.last_outcome) == (5, True, "busy")
    assert DialAttempt.select().where(DialAttempt.outcome == "busy").count() == 5
    assert next_calls(state_for(campaign, now + 86400), now + 86400) == []


def test_a_callback_brings_a_done_contact_back_for_its_agent(store: Database) -> None:
    """A callback for agent a3 is due at its time and placed only for a3."""
    campaign = office_campaign()
    campaigns.import_contacts(campaign, b"number\n13800138000\n", "l.csv", "CN")
    contact = CampaignContact.get()
    dial = next_calls(state_for(campaign, MONDAY), MONDAY)[0]
    campaigns.attempt_ended(campaigns.attempt_started(dial, MONDAY), Outcome.CONNECTED,
                            MONDAY + 60, STANDARD)  # fmt: skip
    assert CampaignContact.get().done
    campaigns.schedule_callback(contact, MONDAY + 3600, agent="a3", note="after lunch")
    assert next_calls(state_for(campaign, MONDAY + 1800), MONDAY + 1800) == []
    later = MONDAY + 3700
    assert next_calls(state_for(campaign, later, ready=3), later) == []  # a0-a2 only
    placed = next_calls(state_for(campaign, later, ready=4), later)
    assert [(d.contact_id, d.agent) for d in placed] == [(contact.id, "a3")]
    attempt = campaigns.attempt_started(placed[0], later)
    campaigns.attempt_ended(attempt, Outcome.CONNECTED, later + 60, STANDARD)
    assert ScheduledCallback.get().done_at == later + 60


def test_holidays_come_from_a_business_hours_schedule(store: Database) -> None:
    """The campaign's holidays are its business-hours schedule's."""
    BusinessHours.create(name="office", timezone="Asia/Shanghai", holidays=["2026-03-02"])
    campaign = office_campaign(holidays_from="office")
    campaigns.import_contacts(campaign, b"number\n13800138000\n", "l.csv", "CN")
    assert next_calls(state_for(campaign, MONDAY), MONDAY) == []
    tuesday = MONDAY + 86400
    assert len(next_calls(state_for(campaign, tuesday), tuesday)) == 1


def test_progress_counts_contacts_done_and_attempts(store: Database) -> None:
    """The figures a campaign list shows."""
    campaign = office_campaign()
    campaigns.import_contacts(campaign, b"number\n13800138000\n13912345678\n", "l.csv", "CN")
    dial = next_calls(state_for(campaign, MONDAY), MONDAY)[0]
    campaigns.attempt_ended(campaigns.attempt_started(dial, MONDAY), Outcome.CONNECTED,
                            MONDAY + 30, STANDARD)  # fmt: skip
    assert campaigns.progress([campaign]) == {
        campaign.id: {"contacts": 2, "done": 1, "attempts": 1}
    }


def test_blocked_and_out_of_hours_contacts_never_fill_the_page(store: Database) -> None:
    """A page of one still finds the callable contact behind blocked and sleeping ones."""
    campaign = office_campaign()
    listing = b"number\n+16502530000\n+16502530001\n13800138000\n13800138001\n13912345678\n"
    campaigns.import_contacts(campaign, listing, "l.csv", "CN")
    zones = {c.number: c.timezone for c in CampaignContact.select()}
    assert zones["+16502530000"] == "America/Los_Angeles"  # derived once, at import
    assert zones["+8613800138000"] == "Asia/Shanghai"
    campaigns.add_dnc("13800138000", "CN")
    campaigns.add_dnc("13800138001", "CN", campaign=campaign)
    page = campaigns.due_contacts(campaign, MONDAY, limit=1)  # 18:00 Sunday in Los Angeles
    assert [c.number for c in page] == ["+8613912345678"]
    night = at("2026-03-03 02:00")  # Monday 10:00 in Los Angeles
    assert [c.number for c in campaigns.due_contacts(campaign, night)] == [
        "+16502530000", "+16502530001"
    ]  # fmt: skip


def test_a_disposition_closes_the_contact_or_leaves_its_retries(store: Database) -> None:
    """ "Not interested" closes a contact due for a retry; a note alone keeps it due."""
    campaign = office_campaign()
    campaigns.import_contacts(campaign, b"number\n13800138000\n13912345678\n", "l.csv", "CN")
    first, second = CampaignContact.select().order_by(CampaignContact.id)
    campaigns.set_disposition(first, "not_interested", "asked not to be called")
    campaigns.set_disposition(second, "call_later", "busy at work", close=False)
    assert [c.number for c in campaigns.due_contacts(campaign, MONDAY)] == ["+8613912345678"]
    kept = CampaignContact.get_by_id(first.id)
    assert (kept.disposition, kept.notes, kept.done) == (
        "not_interested",
        "asked not to be called",
        True,
    )
