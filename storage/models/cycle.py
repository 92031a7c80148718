"""The learning cycle: a round of four stages after a study, each with owners and a due date.

Why owners in their own table: a stage can have several owners and an owner can hand the stage
over; the prompts that go out are derived from these rows by ``cycle.tick`` and never stored
as scheduler state.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class LearningCycleRow(Base):
    __tablename__ = "learning_cycle"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    study_id: Mapped[int | None] = mapped_column(
        ForeignKey("study.id", ondelete="SET NULL"), index=True
    )
    round: Mapped[int] = mapped_column(default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("learning_cycle.id"))
    # active | deciding (stage 4 done, next round or close?) | closed
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    current_stage: Mapped[int] = mapped_column(default=1)
    conclusion: Mapped[str] = mapped_column(Text, default="")
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    started_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class CycleStageRow(Base):
    __tablename__ = "cycle_stage"
    __table_args__ = (UniqueConstraint("cycle_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("learning_cycle.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    key: Mapped[str] = mapped_column(String(60))
    # pending (not reached yet) | active | done
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    started_at: Mapped[datetime | None]
    due_on: Mapped[date | None]  # a working day, in the organisation's calendar
    output: Mapped[dict[str, Any]] = mapped_column(default=dict)
    postponements: Mapped[int] = mapped_column(default=0)
    extensions: Mapped[int] = mapped_column(default=0)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class CycleStageOwnerRow(Base):
    __tablename__ = "cycle_stage_owner"
    __table_args__ = (UniqueConstraint("stage_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("cycle_stage.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    assigned_at: Mapped[datetime]
