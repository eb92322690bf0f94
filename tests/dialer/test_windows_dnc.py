"""Calling windows on each contact's own clock, holidays closed, and DNC asked at dial time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dialer_support import DAYS, at, contacts, state
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.dialer.campaign import Contact
from appliance.dialer.const import Mode
from appliance.dialer.dnc import DncLists
from appliance.dialer.selection import next_calls
from appliance.dialer.simulation import Customers, simulate
from appliance.dialer.windows import CallingWindow, contact_zones, parse_window, zones_for_number

OFFICE = parse_window(
    {day: ["09:00-12:00", "13:30-20:00"] for day in DAYS[:5]} | {"sat": ["10:00-16:00"]}
)
WORLD = [
    Contact(1, "+8613800138000"),  # Asia/Shanghai
    Contact(2, "+16502530000"),  # America/Los_Angeles
    Contact(3, "+442079460958"),  # Europe/London
    Contact(4, "+81312345678"),  # Asia/Tokyo
    Contact(5, "+8613900139000", timezone="Europe/Berlin"),  # a Chinese mobile abroad
]


def dialled(
    moment: float, window: CallingWindow = OFFICE, dnc: DncLists | None = None
) -> list[int]:
    """Return the contacts of WORLD an agentless campaign rings at a moment."""
    return [
        d.contact_id
        for d in next_calls(state(Mode.AGENTLESS, WORLD, window=window, dnc=dnc), moment)
    ]


def test_zones_come_from_the_number_unless_the_contact_has_one() -> None:
    """phonenumbers places a number; a contact's own zone wins; an unplaceable one falls back."""
    assert zones_for_number("+8613800138000", "UTC") == ("Asia/Shanghai",)
    assert zones_for_number("+16502530000", "UTC") == ("America/Los_Angeles",)
    assert contact_zones("Europe/Berlin", "+8613900139000", "UTC") == ("Europe/Berlin",)
    assert zones_for_number("+999123", "Asia/Shanghai") == ("Asia/Shanghai",)
    assert len(zones_for_number("+18005550100", "UTC")) > 1  # toll free: all of North America


def test_one_moment_rings_only_the_contacts_in_their_own_hours() -> None:
    """The same window opens and closes on each contact's clock, not the box's."""
    assert dialled(at("2026-03-02 10:30")) == [1, 4]
    assert dialled(at("2026-03-02 10:30", "Europe/London")) == [1, 3, 4, 5]  # 18:30 Shanghai
    assert dialled(at("2026-03-02 10:30", "America/Los_Angeles")) == [2, 3, 5]
    assert dialled(at("2026-03-02 12:00")) == []  # lunch in Shanghai and Tokyo; night elsewhere
    assert dialled(at("2026-03-08 11:00")) == []  # Sunday everywhere it is daytime


def test_a_number_spanning_zones_rings_only_when_every_zone_is_in_hours() -> None:
    """A toll-free US number waits until the window is open from New York to Honolulu."""
    toll_free = [Contact(9, "+18005550100")]
    zones = zones_for_number("+18005550100", "UTC")
    for hour in range(24):
        moment = at(f"2026-03-04 {hour:02d}:00", "UTC")
        placed = next_calls(state(Mode.AGENTLESS, toll_free, window=OFFICE), moment)
        assert bool(placed) == OFFICE.is_open(zones, moment)
        assert not placed or all(OFFICE.is_open((zone,), moment) for zone in zones)


def test_holidays_close_the_window_on_the_contacts_date() -> None:
    """National Day is closed in Shanghai, though a Thursday; the next workday opens."""
    window = parse_window({day: ["09:00-20:00"] for day in DAYS}, frozenset({date(2026, 10, 1)}))
    assert dialled(at("2026-10-01 10:00"), window) == [2]  # only LA: still 30 September there
    assert 1 in dialled(at("2026-10-02 10:00"), window)
    assert window.next_open(("Asia/Shanghai",), at("2026-10-01 10:00")) == at("2026-10-02 09:00")


@settings(max_examples=300, deadline=None)
@given(moment=st.integers(int(at("2026-01-01 00:00")), int(at("2027-01-01 00:00"))))
def test_no_contact_is_ever_rung_outside_its_window(moment: int) -> None:
    """At any moment of a year (DST changes included), each dial is in hours on its clock."""
    for contact_id in dialled(float(moment)):
        contact = WORLD[contact_id - 1]
        for zone in contact_zones(contact.timezone, contact.number, "Asia/Shanghai"):
            local = datetime.fromtimestamp(moment, ZoneInfo(zone))
            minute = local.hour * 60 + local.minute
            hours = OFFICE.weekly.get(local.weekday(), ())
            assert any(r.start <= minute < r.end for r in hours), (zone, local)


def test_next_open_finds_the_first_moment_every_zone_is_in_hours() -> None:
    """Shanghai's Tuesday morning is Los Angeles' Monday evening: the first shared hour."""
    both = ("Asia/Shanghai", "America/Los_Angeles")
    found = OFFICE.next_open(both, at("2026-03-02 09:00"))  # LA: Sunday 17:00, closed
    assert found == at("2026-03-03 09:00")  # LA: Monday 17:00
    assert OFFICE.next_open(("Asia/Shanghai",), at("2026-03-07 17:00")) == at("2026-03-09 09:00")
    never = parse_window({"mon": ["09:00-10:00"]})
    assert never.next_open(("Asia/Shanghai", "America/New_York"), at("2026-03-02 00:00")) is None


def test_a_number_put_on_do_not_call_mid_campaign_is_never_dialled_again() -> None:
    """At 10:00 the next 100 contacts go on the campaign's list; none is dialled from then on.

    The check at dial time alone is the next test's (and the store's page query leaves
    blocked numbers out too, so they cannot fill the page and stall the campaign).
    """
    dnc, start = DncLists(), at("2026-03-02 09:00")
    blocked: set[int] = set()
    before: list[int] = []
    after: list[int] = []

    def watch(now: float, contact_ids: list[int]) -> None:
        """Note what is dialled before and after 10:00, and then block the next 100."""
        (after if now > start + 3600 else before).extend(contact_ids)
        if now == start + 3600:  # this tick's dials are placed: the list changes after them
            blocked.update(range(max(before) + 1, max(before) + 101))
            for contact_id in blocked:
                dnc.add(f"+86138{contact_id:08d}", campaign_id=1)

    simulate(state(Mode.PREDICTIVE, []).campaign, Customers(answer_rate=lambda s: 0.3), 10,
             start, 2 * 3600, 1, dnc=dnc, on_tick=watch)  # fmt: skip
    assert max(after) > max(blocked)  # the campaign went on past them
    assert not blocked & set(after)


def test_the_global_list_blocks_every_campaign_and_a_campaign_list_only_its_own() -> None:
    """A global entry blocks all campaigns; campaign 2's entry does not block campaign 1."""
    dnc = DncLists()
    dnc.add("+8613800138000")
    dnc.add("+81312345678", campaign_id=2)
    assert dialled(at("2026-03-02 10:30"), dnc=dnc) == [4]
    dnc.add("+81312345678", campaign_id=1)
    assert dialled(at("2026-03-02 10:30"), dnc=dnc) == []


def test_callbacks_kept_for_an_agent_wait_for_that_agent() -> None:
    """A callback for agent1 is placed for agent1 once ready; meanwhile others go first."""
    queue = [Contact(1, "+8613800138001", callback_agent="agent1"), *contacts(3, start=2)]
    waiting = next_calls(state(Mode.PROGRESSIVE, queue, ready=1), at("2026-03-02 10:00"))
    assert [(d.contact_id, d.agent) for d in waiting] == [(2, "")]
    ready = next_calls(state(Mode.PROGRESSIVE, queue, ready=2), at("2026-03-02 10:00"))
    assert [(d.contact_id, d.agent) for d in ready] == [(1, "agent1"), (2, "")]
