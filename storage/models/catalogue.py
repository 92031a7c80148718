"""Themes, sub-domains and studies: the reference data a municipality maintains."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from storage.models.base import Base


class ThemeRow(Base):
    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # theme | subdomain
    name_nl: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class StudyRow(Base):
    __tablename__ = "study"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int | None]
    source: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default="finished")  # running | finished
    finished_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    #: Sentence vector of title + summary, as on :class:`storage.models.signals.SignalRow`.
    vector: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    vector_model: Mapped[str | None] = mapped_column(String(60))
    #: The matcher's analysis of the text (``matching.stored``), so start-up need not redo it;
    #: NULL or stale (another lexicon, another text): analysed again when the index is built.
    analysis: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    #: When the people this study may help were told (``cycle.study_news``); NULL: not yet.
    announced_at: Mapped[datetime | None]
