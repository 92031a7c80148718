"""Agenda sessions (H, I, D, K): the meetings, who comes, what is on the agenda, the vote.

Why rows rather than a calendar feed: every prompt about a session (invitation, agenda call,
confirmation, reminder, vote) is derived from these rows by ``cycle.sessions.session_due``, so
a restart or a second instance sends nothing twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class AgendaSessionRow(Base):
    __tablename__ = "agenda_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)  # e.g. H:2026-03-12 or D:study:7
    kind: Mapped[str] = mapped_column(String(2), index=True)  # H | I | D | K
    title: Mapped[str] = mapped_column(String(300), default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    duration_minutes: Mapped[int] = mapped_column(default=120)
    location: Mapped[str] = mapped_column(String(300), default="")
    study_id: Mapped[int | None] = mapped_column(ForeignKey("study.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    agenda_confirmed_at: Mapped[datetime | None]
    agenda_confirmed_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    vote_closed_at: Mapped[datetime | None]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class SessionRsvpRow(Base):
    __tablename__ = "session_rsvp"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_session.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    answer: Mapped[str] = mapped_column(String(10))  # ja | nee | misschien
    answered_at: Mapped[datetime]


class SessionAgendaItemRow(Base):
    """A proposed agenda item: typed in by someone, or proposed from a signal or a question.

    ``outcome`` after the vote: ``research`` (entered the weighing flow as ``question_id``) or
    ``practice`` (picked as a K practice question).
    """

    __tablename__ = "session_agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_session.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(20))  # proposal | signal | question
    text: Mapped[str] = mapped_column(Text)
    signal_id: Mapped[int | None] = mapped_column(ForeignKey("signal.id", ondelete="SET NULL"))
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("research_question.id", ondelete="SET NULL")
    )
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    support: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="proposed")  # proposed | accepted
    outcome: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime]


class SessionVoteRow(Base):
    __tablename__ = "session_vote"
    __table_args__ = (UniqueConstraint("item_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_session.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("session_agenda_item.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
