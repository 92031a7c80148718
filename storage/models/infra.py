"""Conversation state, idempotency, audit trail and outbox: the machinery behind the talk."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class ConversationStateRow(Base):
    """State of a conversation that spans turns, so it survives a restart and a second instance."""

    __tablename__ = "conversation_state"
    __table_args__ = (UniqueConstraint("platform", "user_id", "flow"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(200))
    flow: Mapped[str] = mapped_column(String(60))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime]


class ProcessedEventRow(Base):
    """Idempotency keys of inbound events already handled (Slack event id, Teams activity id)."""

    __tablename__ = "processed_event"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    # What the turn answered (serialised replies), so a redelivery gets the same answer again.
    replies: Mapped[list[Any] | None] = mapped_column(JSON, default=None)


class AuditEventRow(Base):
    """Who changed what, when. Never message text of other people; ids and field names only."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class OutboxRow(Base):
    """A message waiting to be sent. ``key`` is unique: a second scheduler's insert is a no-op."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    payload: Mapped[dict[str, Any]]  # a serialised kernel.core.Reply
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    # Prompts that ask someone to act wait for office hours; a notice about what someone just
    # did (their signal was triaged, merged, answered) goes out at once.
    office_hours_only: Mapped[bool] = mapped_column(default=True)
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime] = mapped_column(index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None]
    platform: Mapped[str | None] = mapped_column(String(20))
    platform_message_id: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class ConsoleMessageRow(Base):
    """A message delivered to a console person: shown live in an open chat, else at the next.

    Why a table: the console has no server to push to. The dispatcher (in any process, ``serve``
    or another chat) writes here; each open ``signaalbot chat`` polls for its own person.
    """

    __tablename__ = "console_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(200), index=True)
    payload: Mapped[dict[str, Any]]  # a serialised kernel.core.Reply
    created_at: Mapped[datetime]
    shown_at: Mapped[datetime | None] = mapped_column(index=True)


class RefCounterRow(Base):
    """The last number handed out per reference prefix and year (``S`` 2026 → 41 → S-2026-0041).

    Why a row and not ``max(ref)``: two writers reading the same maximum take the same number.
    Incrementing this row in the writer's own transaction serialises them on the row (PostgreSQL's
    row lock, SQLite's write lock), so a number is never handed out twice and never depends on how
    many digits the references have.
    """

    __tablename__ = "ref_counter"

    prefix: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(BigInteger)


class IndexChangeRow(Base):
    """One change to something searchable, written by database triggers (migration 0008).

    Why triggers: every writer (a bot instance, the CLI import, a script) changes the same
    tables, so the change log cannot be forgotten by one code path. Each running instance polls
    rows after the last id it applied (``turn.index_sync``) and re-reads the named row.
    """

    __tablename__ = "index_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # signal | study
    ref: Mapped[str] = mapped_column(String(100))


class SharedFileRow(Base):
    """A file handed out by link (a session's .ics for Teams people): ``storage.repositories.files``.

    The token is the primary key and the only way in; the row goes when it expires.
    """

    __tablename__ = "shared_file"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
