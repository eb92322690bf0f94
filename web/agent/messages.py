"""Internal messages between users, and each user's personal address book."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from peewee import Database

from appliance.store.models import AddressBookEntry, AgentMessage, User, utcnow

INBOX_LIMIT = 50


def recipients(sender: User) -> list[User]:
    """Return the users a user may write to: every other user."""
    return list(User.select().where(User.id != sender.id).order_by(User.username))


def send(sender: User, recipient: str, body: str) -> AgentMessage:
    """Store a message from sender to the user named recipient."""
    to = User.get(User.username == recipient)
    return AgentMessage.create(sender=sender, recipient=to, body=body)


def inbox(user: User, limit: int = INBOX_LIMIT) -> list[AgentMessage]:
    """Return the messages to and from a user, newest first."""
    involved = (AgentMessage.recipient == user) | (AgentMessage.sender == user)
    query = AgentMessage.select().where(involved).order_by(AgentMessage.id.desc())
    return list(query.limit(limit))


def mark_read(user: User) -> int:
    """Mark every unread message to a user read; return how many."""
    unread = (AgentMessage.recipient == user) & AgentMessage.read_at.is_null()
    return int(AgentMessage.update(read_at=utcnow()).where(unread).execute())


def last_id(user: User) -> int:
    """Return the id of the newest message to a user (0 if none)."""
    newest = (
        AgentMessage.select(AgentMessage.id)
        .where(AgentMessage.recipient == user)
        .order_by(AgentMessage.id.desc())
        .first()
    )
    return int(newest.id) if newest else 0


def as_event(message: AgentMessage) -> dict[str, Any]:
    """Return a message as the agent stream sends it."""
    sent = message.created_at.replace(tzinfo=UTC)
    return {
        "id": message.id,
        "from": message.sender.username,
        "body": message.body,
        "at": sent.timestamp(),
    }


def poller(database: Database, user_id: int) -> Any:
    """Return a function giving the messages to a user newer than an id (own connection)."""

    def newer(after: int) -> list[dict[str, Any]]:
        with database.connection_context():
            query = AgentMessage.select().where(
                (AgentMessage.recipient == user_id) & (AgentMessage.id > after)
            )
            return [as_event(m) for m in query.order_by(AgentMessage.id)]

    return newer


def contacts(user: User) -> list[AddressBookEntry]:
    """Return a user's address book by name."""
    mine = AddressBookEntry.select().where(AddressBookEntry.user == user)
    return list(mine.order_by(AddressBookEntry.name))


def add_contact(user: User, values: dict[str, str]) -> AddressBookEntry:
    """Add an entry to a user's address book."""
    return AddressBookEntry.create(user=user, **values)


def delete_contact(user: User, entry_id: int) -> bool:
    """Delete one of a user's own entries; return false if they have no such entry."""
    mine = (AddressBookEntry.id == entry_id) & (AddressBookEntry.user == user)
    return bool(AddressBookEntry.delete().where(mine).execute())
