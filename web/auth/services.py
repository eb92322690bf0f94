"""Passwords (argon2id), API tokens (SHA-256) and the CSRF token of forms."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import session

from appliance.store.models import ApiToken, User, utcnow

# argon2-cffi's defaults (argon2id, 64 MiB, t=3, p=4) meet OWASP's recommendation.
_hasher = PasswordHasher()
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)  # last_used_at is written at most this often


def hash_password(password: str) -> str:
    """Return the argon2id hash to store for password (the CLI uses this to create users)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Return true if password matches password_hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    """Return a hash to verify against for unknown users, so timing does not tell."""
    return _hasher.hash(secrets.token_hex(16))


def authenticate(username: str, password: str) -> User | None:
    """Return the user whose username and password these are, or None."""
    user = User.get_or_none(User.username == username)
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        user.save(only=[User.password_hash])
    return user


def session_fingerprint(user: User) -> str:
    """Return a digest of the password hash: a password change ends other sessions."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest stored for an API token."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(user: User, name: str) -> str:
    """Create an API token for user and return it (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    ApiToken.create(user=user, name=name, token_hash=hash_token(token))
    return token


def user_for_token(token: str) -> User | None:
    """Return the user owning token, noting when it was last used, or None."""
    found = ApiToken.get_or_none(ApiToken.token_hash == hash_token(token))
    if found is None:
        return None
    now = utcnow()
    if found.last_used_at is None or now - found.last_used_at > TOKEN_TOUCH_INTERVAL:
        found.last_used_at = now
        found.save(only=[ApiToken.last_used_at])
    user: User = found.user
    return user


def bearer_token(authorization: str | None) -> str | None:
    """Return the token of an `Authorization: Bearer <token>` header, or None."""
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def csrf_token() -> str:
    """Return this session's CSRF token for forms, creating it on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    token: str = session["csrf"]
    return token


def csrf_valid(submitted: str | None) -> bool:
    """Return true if a form carried this session's CSRF token."""
    expected = session.get("csrf")
    return bool(expected and submitted) and hmac.compare_digest(str(expected), str(submitted))
