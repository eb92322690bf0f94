"""The one-time setup token: the only key to the web UI while the box has no admin.

A new token is issued each time the web starts (and by `callbox setup-token`) while no
admin exists; it is printed to the console and the journal and only its SHA-256 is
stored, so the latest printed token is the one that works.  Creating the admin uses it up.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable

from appliance.config import Settings
from appliance.health.address import connect_host
from appliance.store import migrations
from appliance.store.database import db
from appliance.store.manager import open_store
from appliance.store.models import SetupState, User, utcnow

# No 0/O, 1/I/L: the token is read off a console and typed in by a person.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GROUPS, GROUP_LENGTH = 4, 5  # 20 characters of 31: about 99 bits


def admin_exists() -> bool:
    """Return true if the store holds an admin user."""
    return bool(User.select().where(User.role == "admin").exists())


def setup_state() -> SetupState:
    """Return the wizard's row, creating it on first use."""
    state = SetupState.select().order_by(SetupState.id).first()
    return state or SetupState.create()


def normalize(token: str) -> str:
    """Return token as issued: upper case, groups joined by -, whatever spacing was typed."""
    compact = "".join(ch for ch in token.upper() if ch.isalnum())
    parts = [compact[i : i + GROUP_LENGTH] for i in range(0, len(compact), GROUP_LENGTH)]
    return "-".join(parts)


def token_hash(token: str) -> str:
    """Return the SHA-256 hex digest stored for a token."""
    return hashlib.sha256(normalize(token).encode()).hexdigest()


def issue_token() -> str | None:
    """Return a new setup token, replacing any earlier one; None if an admin exists."""
    with db.atomic():
        if admin_exists():
            return None
        groups = (
            "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)
        )
        token = "-".join(groups)
        state = setup_state()
        state.token_hash, state.token_created_at = token_hash(token), utcnow()
        state.save()
    return token


def matching_hash(token: str) -> str | None:
    """Return the stored hash if token is the current setup token, else None."""
    stored = str(setup_state().token_hash)
    if not stored or admin_exists():
        return None
    return stored if hmac.compare_digest(stored, token_hash(token)) else None


def proof_valid(proof: str | None) -> bool:
    """Return true if a session's proof (the hash it was shown) is still the current token."""
    stored = str(setup_state().token_hash)
    return bool(stored and proof) and hmac.compare_digest(stored, str(proof))


def announce_token(settings: Settings, say: Callable[[str], object]) -> str | None:
    """Issue a token if the box has no admin and say it with the wizard's address."""
    database = open_store(settings, migrate=False)
    try:
        if migrations.pending(database):
            say("setup token not issued: the store has pending migrations (run `callbox migrate`)")
            return None
        token = issue_token()
    finally:
        database.close()
    if token is not None:
        scheme = "https" if settings.web_https else "http"
        host = connect_host(settings.web.listen)
        say(f"no admin yet: open {scheme}://{host}:{settings.web.port}/setup")
        say(f"setup token: {token}  (only the newest token printed works)")
    return token
