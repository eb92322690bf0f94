"""Keep Kamailio's SQLite database: its schema and the subscriber table (agents' credentials).

The schema comes from the SQL scripts Debian ships with kamailio-sqlite-modules, so the
table layouts and the ``version`` rows are exactly what the modules check at startup.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from appliance.boards.sipgw.lines import gateways
from appliance.config import Settings
from appliance.sipedge.exceptions import SipEdgeError
from appliance.sipedge.render import database_path

SQL_DIR = Path("/usr/share/kamailio/db_sqlite")

# standard creates the version table the others register in, so it comes first.
SCHEMA_SCRIPTS = ("standard", "auth_db", "usrloc")

INSTALL_HINT = "kamailio is not installed: run `apt-get install kamailio kamailio-sqlite-modules`"

# No plain password is stored (calculate_ha1 is off): only the HA1 columns are filled.
_INSERT = "INSERT INTO subscriber (username, domain, password, ha1, ha1b) VALUES (?, ?, '', ?, ?)"

_VERSION_ROW = re.compile(r"INSERT INTO version .*?values \('(\w+)',\s*'(\d+)'\)", re.IGNORECASE)


@dataclass(frozen=True)
class SyncResult:
    """What a sync changed in the subscriber table."""

    added: int
    updated: int
    removed: int


def connect(path: Path, timeout: float = 5.0) -> sqlite3.Connection:
    """Return a connection to Kamailio's database in autocommit mode (transactions explicit)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return sqlite3.connect(str(path), timeout=timeout, isolation_level=None)


def ensure_schema(settings: Settings, sql_dir: Path = SQL_DIR) -> Path:
    """Create or upgrade Kamailio's tables in paths.kamailio/kamailio.db; return its path."""
    path = database_path(settings)
    with closing(connect(path)) as conn:
        # WAL: callbox reads and writes while Kamailio's processes do (the setting persists).
        conn.execute("PRAGMA journal_mode=WAL")
        for name in SCHEMA_SCRIPTS:
            _apply_script(conn, _read_script(sql_dir, name))
    # HA1 hashes let anyone who reads them register as the agent: keep the file private.
    path.chmod(0o600)
    return path


def sync(settings: Settings, agents: Iterable[tuple[str, str]]) -> SyncResult:
    """Make the subscriber table hold exactly these (extension, password) pairs, atomically.

    Agents without a password are left out: they cannot register.  The FXO accounts of
    the `boards:` setting's gateways (sipgw) are added.  Run ensure_schema first.
    """
    domain = settings.sip.domain
    accounts = [*agents, *gateway_accounts(settings)]
    wanted = {(ext, domain): _hashes(ext, domain, pw) for ext, pw in accounts if ext and pw}
    with closing(connect(database_path(settings))) as conn, _transaction(conn):
        current = _current(conn)
        stale = [key for key in current if key not in wanted]
        added = [(*key, *hashes) for key, hashes in wanted.items() if key not in current]
        changed = [
            (*hashes, *key)
            for key, hashes in wanted.items()
            if key in current and current[key] != hashes
        ]
        conn.executemany("DELETE FROM subscriber WHERE username=? AND domain=?", stale)
        conn.executemany(_INSERT, added)
        conn.executemany(
            "UPDATE subscriber SET ha1=?, ha1b=? WHERE username=? AND domain=?", changed
        )
    return SyncResult(added=len(added), updated=len(changed), removed=len(stale))


def sync_from_store(settings: Settings) -> SyncResult:
    """Sync the subscriber table from the store's agents (the store must already be open)."""
    # Imported here so that the rest of the SIP edge loads without the store.
    from appliance.store.models import Agent

    agents = Agent.select(Agent.extension, Agent.sip_password)
    return sync(settings, [(str(agent.extension), str(agent.sip_password)) for agent in agents])


def gateway_accounts(settings: Settings) -> list[tuple[str, str]]:
    """Return (user, password) of every gateway FXO port's SIP account (docs/boards.md)."""
    return [
        (line.account, gw.password)
        for gw in gateways(settings.boards)
        for line in gw.lines
        if line.kind == "fxo"
    ]


def usernames(settings: Settings) -> set[str]:
    """Return every subscriber's user name (read-only; empty if the db cannot be read)."""
    try:
        conn = sqlite3.connect(f"file:{database_path(settings)}?mode=ro", uri=True, timeout=0.2)
        with closing(conn):
            return {str(row[0]) for row in conn.execute("SELECT username FROM subscriber")}
    except sqlite3.Error:
        return set()


def _current(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[str, str]]:
    """Return (username, domain) -> (ha1, ha1b) for every subscriber row."""
    rows = conn.execute("SELECT username, domain, ha1, ha1b FROM subscriber")
    return {(user, domain): (hash1, hash1b) for user, domain, hash1, hash1b in rows}


def ha1(username: str, realm: str, password: str) -> str:
    """Return the digest HA1 hash md5(username:realm:password)."""
    text = f"{username}:{realm}:{password}"
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _hashes(extension: str, domain: str, password: str) -> tuple[str, str]:
    """Return (ha1, ha1b): HA1 for "ext" and for "ext@domain" as the username (realm = domain)."""
    return ha1(extension, domain, password), ha1(f"{extension}@{domain}", domain, password)


def _read_script(sql_dir: Path, name: str) -> str:
    """Return the text of one shipped create script, or raise the install hint."""
    try:
        return (sql_dir / f"{name}-create.sql").read_text(encoding="utf-8")
    except OSError:
        raise SipEdgeError(INSTALL_HINT) from None


def _apply_script(conn: sqlite3.Connection, script: str) -> None:
    """Run script unless every table it creates is already at the version it declares."""
    wanted = {table: int(version) for table, version in _VERSION_ROW.findall(script)}
    if _versions(conn, list(wanted)) == wanted:
        return
    # Missing or older tables are recreated: subscriber is rebuilt by the next sync and the
    # phones re-register within their expiry, so nothing is lost that cannot come back.
    with _transaction(conn):
        for table in wanted:
            conn.execute(f'DROP TABLE IF EXISTS "{table}"')
        if "version" not in wanted:
            conn.executemany("DELETE FROM version WHERE table_name=?", [(t,) for t in wanted])
        for statement in _statements(script):
            conn.execute(statement)


def _versions(conn: sqlite3.Connection, tables: list[str]) -> dict[str, int]:
    """Return the version rows present for tables ({} if there is no version table yet)."""
    try:
        rows = conn.execute("SELECT table_name, table_version FROM version").fetchall()
    except sqlite3.OperationalError:
        return {}
    return {name: int(version) for name, version in rows if name in tables}


def _statements(script: str) -> Iterator[str]:
    """Yield the SQL statements of a create script (they hold no semicolons inside)."""
    for statement in script.split(";"):
        if statement.strip():
            yield statement


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """Run the block in one write transaction, taking the write lock up front."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
