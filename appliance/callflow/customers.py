"""Who is calling: the customer record of a number, its region, the agent who served it last."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from appliance.callflow.numbers import normalize, region_matches, region_names

DAY_SECONDS = 86400.0


@dataclass(frozen=True)
class Customer:
    """A customer as routing needs it (按客户转接)."""

    number: str
    name: str = ""
    owner: str = ""  # the extension of the agent who owns the customer ("" none)
    vip: int = 0  # VIP tier: 0 none; a caller's queue priority is at least this
    region: str = ""  # overrides the region the number's prefix gives ("" none)
    account: str = ""  # the account number a caller may key in ("" none)


@dataclass(frozen=True)
class Served:
    """The agent who last answered a number, and when (UNIX time)."""

    agent: str
    at: float


class CallerBook:
    """Customers by number and the last agent who answered each number.

    Numbers are kept normalized (E.164), so "13800138000" and "+8613800138000" are
    the same caller.  The memory of who answered is seeded from the store's CDRs and
    kept up to date by the ACD as calls are answered.
    """

    def __init__(
        self, customers: Iterable[Customer] = (), served: Mapping[str, Served] | None = None
    ) -> None:
        self.customers = {normalize(c.number): c for c in customers}
        self.accounts = {c.account: c for c in self.customers.values() if c.account}
        self.served = {normalize(n): s for n, s in (served or {}).items()}

    def customer(self, number: str) -> Customer | None:
        """Return the customer record of a calling number, if any."""
        return self.customers.get(normalize(number)) if number else None

    def by_account(self, account: str) -> Customer | None:
        """Return the customer with an account number, if any."""
        return self.accounts.get(account.strip()) if account else None

    def last_agent(self, number: str, now: float, within_days: float) -> str:
        """Return the agent who answered number within the last days ("" if none)."""
        served = self.served.get(normalize(number)) if number and within_days > 0 else None
        if served is None or now - served.at > within_days * DAY_SECONDS:
            return ""
        return served.agent

    def answered(self, number: str, agent: str, at: float) -> None:
        """Remember that agent answered number at a time."""
        if number:
            self.served[normalize(number)] = Served(agent, at)

    def in_region(self, number: str, region: str) -> bool:
        """Return true if the caller is from region (the customer's own region first)."""
        customer = self.customer(number)
        if customer is not None and customer.region:
            names = (customer.region, customer.region)
            return region_matches(names, region)
        return bool(number) and region_matches(region_names(number), region)

    def merge_from(self, older: CallerBook) -> None:
        """Keep answers the older book knows of that are newer than this one's.

        A reload reads the CDRs, which lack calls still in progress; the live book
        already knows who answered those.
        """
        for number, served in older.served.items():
            mine = self.served.get(number)
            if mine is None or served.at > mine.at:
                self.served[number] = served
