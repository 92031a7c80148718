"""Signals, support for them ("ik zie dit ook") and research questions.

Privacy: ``text`` is stored only after the privacy guard found no personal data in it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, LargeBinary, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from storage.models.base import Base

question_signal = Table(
    "question_signal",
    Base.metadata,
    Column("question_id", ForeignKey("research_question.id", ondelete="CASCADE"), primary_key=True),
    Column("signal_id", ForeignKey("signal.id", ondelete="CASCADE"), primary_key=True),
)

question_study = Table(
    "question_study",
    Base.metadata,
    Column("question_id", ForeignKey("research_question.id", ondelete="CASCADE"), primary_key=True),
    Column("study_id", ForeignKey("study.id", ondelete="CASCADE"), primary_key=True),
)


class SignalRow(Base):
    __tablename__ = "signal"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(100), unique=True)
    text: Mapped[str] = mapped_column(Text)
    theme_key: Mapped[str | None] = mapped_column(String(60))
    subdomain_key: Mapped[str | None] = mapped_column(String(60))
    affected: Mapped[str] = mapped_column(String(300), default="")
    area: Mapped[str] = mapped_column(String(120), default="")
    since: Mapped[str] = mapped_column(String(20), default="")
    frequency: Mapped[str] = mapped_column(String(40), default="")
    org_type: Mapped[str] = mapped_column(String(20), default="")
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(30), default="nieuw", index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("signal.id"))
    shared_with_providers: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    #: The text's sentence vector (matching.to_blob) and the encoder that made it; NULL until
    #: the embedder got to it. Deferred: only the index loader reads it.
    vector: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    vector_model: Mapped[str | None] = mapped_column(String(60))
    #: The matcher's analysis of the text (``matching.stored``), so start-up need not redo it;
    #: NULL or stale (another lexicon, another text): analysed again when the index is built.
    analysis: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))


class SignalSupportRow(Base):
    __tablename__ = "signal_support"
    __table_args__ = (UniqueConstraint("signal_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signal.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    org_type: Mapped[str] = mapped_column(String(20), default="")
    context: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class ResearchQuestionRow(Base):
    __tablename__ = "research_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(100), unique=True)
    question: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(Text, default="")
    needed_by_whom: Mapped[str] = mapped_column(String(300), default="")
    needed_by: Mapped[date | None]
    theme_key: Mapped[str | None] = mapped_column(String(60))
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(30), default="nieuw", index=True)
    weighing: Mapped[dict[str, Any]] = mapped_column(default=dict)
    recommendation: Mapped[str | None] = mapped_column(String(20))
    recommendation_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
