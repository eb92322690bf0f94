"""Registering trunks: one pjsua2 account per enabled `register` trunk (engine thread only).

Each account registers to the trunk's host:port with its digest credentials (realm
"*": whatever realm the carrier challenges with), refreshes before expiry
(`REGISTER_SECONDS`), and places that trunk's calls out, so a carrier's 401/407 to an
INVITE is answered with the same credentials.  Its Contact carries a random `line`
parameter (as Asterisk's `line=yes`): an INVITE whose Request-URI has it is that
trunk's call in (`Endpoint.onSelectAccount`).  IP-peer trunks keep the local trunk
account.

`sync` (on every `reload`) keeps an account whose trunk is unchanged, replaces one
whose trunk changed and removes one whose trunk is disabled or gone.  A replaced
account is unregistered at once but kept referenced until no live leg runs on its
trunk: pjsua2 objects must not vanish under a call (DESIGN §5).
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import TYPE_CHECKING

import pjsua2 as pj

from appliance.engine.legs import IncomingAccount, guarded
from appliance.engine.queue_store import TrunkPeer
from appliance.engine.trunk_registration import Registration, RegState

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
REGISTER_SECONDS = 300  # expiry asked of the carrier; pjsua2 refreshes 5 s before it
RETRY_SECONDS = 60  # after a failed registration, try again this often
PURGE_SECONDS = 30  # look this often whether a replaced account's calls are over
PJSUA_RETRIES = {408, 500, 502, 503, 504}  # codes pjsua retries by itself (with 6xx)


class TrunkAccount(IncomingAccount):
    """The pjsua2 account of one registering trunk."""

    def __init__(self, board: Switchboard, owner: TrunkAccounts, peer: TrunkPeer) -> None:
        super().__init__(board, "trunk")
        self.owner = owner
        self.peer = peer
        self.trunk = peer.name
        self.line = secrets.token_hex(8)
        self.registration = Registration(changed_at=time.time())

    @guarded
    def onRegState(self, prm: pj.OnRegStateParam) -> None:
        """Pass the carrier's answer to a REGISTER on."""
        self.owner.answered(self, int(prm.code), str(prm.reason), int(prm.expiration))

    def config(self) -> pj.AccountConfig:
        """Return the account's configuration: registrar, credentials, transport, media."""
        peer = self.peer
        cfg = pj.AccountConfig()
        cfg.idUri = f"sip:{peer.username}@{peer.host}"
        reg = cfg.regConfig
        reg.registrarUri = f"sip:{peer.host}:{peer.port}"
        reg.timeoutSec = REGISTER_SECONDS
        reg.retryIntervalSec = RETRY_SECONDS
        reg.firstRetryIntervalSec = RETRY_SECONDS
        cfg.sipConfig.contactUriParams = f";line={self.line}"  # regConfig's: EINVALIDURI in 2.12
        cred = pj.AuthCredInfo("digest", "*", peer.username, 0, peer.password)
        cfg.sipConfig.authCreds.append(cred)
        self.board.trunk_media(cfg)
        return cfg


def _same_carrier(peer: TrunkPeer | None, account: TrunkAccount) -> bool:
    """Return true if peer registers exactly as account does (its other fields may differ)."""
    if peer is None:
        return False
    old = account.peer
    return (peer.host, peer.port, peer.username, peer.password) == (
        old.host, old.port, old.username, old.password)  # fmt: skip


class TrunkAccounts:
    """The accounts of the registering trunks, by trunk name."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self.accounts: dict[str, TrunkAccount] = {}
        self.retired: list[TrunkAccount] = []  # replaced, kept while a call runs on them
        self.broken: dict[str, Registration] = {}  # trunks pjsua2 refused an account for

    def sync(self, trunks: dict[str, TrunkPeer]) -> None:
        """Make the accounts match the enabled registering trunks."""
        wanted = {name: p for name, p in trunks.items() if p.kind == "register"}
        gone = [a for name, a in self.accounts.items() if not _same_carrier(wanted.get(name), a)]
        for account in gone:
            self._retire(self.accounts.pop(account.trunk))
        new = [peer for name, peer in wanted.items() if name not in self.accounts]
        self.broken.clear()  # tried again below
        for peer in new:
            self._open(peer)
        for name, account in self.accounts.items():
            account.peer = wanted[name]  # e.g. a new channel limit: no need to register again
        if gone or new:
            self._lines_changed()
            self.purge()

    def _open(self, peer: TrunkPeer) -> None:
        """Create and register a trunk's account (a refused one is logged and left out)."""
        account = TrunkAccount(self.board, self, peer)
        try:
            account.create(account.config())
        except pj.Error as exc:  # e.g. a host pjsip cannot put in a URI
            log.error("trunk %s: cannot register: %s", peer.name, exc.info())
            reason = f"cannot register: {exc.reason}"
            self.broken[peer.name] = Registration().answered(0, reason, 0, time.time())
            return
        self.accounts[peer.name] = account
        log.info("trunk %s: registering to %s:%d", peer.name, peer.host, peer.port)

    def _retire(self, account: TrunkAccount) -> None:
        """Unregister an account whose trunk changed or went; keep it while calls use it."""
        try:
            account.setRegistration(False)
        except pj.Error as exc:  # never registered: nothing to take back
            log.debug("trunk %s: unregister: %s", account.trunk, exc.info())
        self.retired.append(account)

    def purge(self) -> None:
        """Drop retired accounts no live call runs on; look again later for the others."""
        busy = {leg.trunk for leg in self.board.legs.values() if not leg.ended}
        keep = [a for a in self.retired if a.trunk in busy]
        for account in self.retired:
            if account not in keep:
                account.shutdown()
        self.retired = keep
        if keep:
            self.board.reactor.call_later(PURGE_SECONDS, self.purge)

    def _lines_changed(self) -> None:
        """Tell the endpoint which `line` parameter selects which account for a call in."""
        ep = self.board.reactor.ep
        ep.trunk_lines = {a.line: a.getId() for a in self.accounts.values()}

    def account_for(self, peer: TrunkPeer | None) -> TrunkAccount | None:
        """Return the account calls out on peer go from (None: the local trunk account)."""
        if peer is None:
            return None
        return self.accounts.get(peer.name)

    def registration(self, name: str) -> Registration | None:
        """Return a registering trunk's state (None for an IP peer or an unknown trunk)."""
        account = self.accounts.get(name)
        return account.registration if account else self.broken.get(name)

    def answered(self, account: TrunkAccount, code: int, reason: str, expiration: int) -> None:
        """Keep the carrier's answer; announce a change; retry what pjsua2 will not."""
        if self.accounts.get(account.trunk) is not account:
            return  # a retired account's unregistration
        before = account.registration
        account.registration = before.answered(code, reason, expiration, time.time())
        after = account.registration
        if after.is_news(before):
            data = {"trunk": account.trunk, **after.as_dict()}
            self.board.writer.event("", after.event, data, leg=account.trunk)
            log.info("trunk %s: %s (%d %s)", account.trunk, after.state, code, reason)
        if after.state == RegState.FAILING and code not in PJSUA_RETRIES and code < 600:
            self.board.reactor.call_later(RETRY_SECONDS, lambda: self._renew(account))

    def _renew(self, account: TrunkAccount) -> None:
        """Register again after a failure pjsua2 does not retry (e.g. 403 wrong password)."""
        if self.accounts.get(account.trunk) is account:
            try:
                account.setRegistration(True)
            except pj.Error as exc:
                log.warning("trunk %s: register again: %s", account.trunk, exc.info())

    def close(self) -> None:
        """Unregister and drop every account (the engine is stopping)."""
        for account in [*self.accounts.values(), *self.retired]:
            account.shutdown()
        self.accounts.clear()
        self.retired.clear()
        self.board.reactor.ep.trunk_lines = {}
