"""Themes, sub-domains and studies."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kernel.domain_config import Theme
from storage.domain import Study
from storage.models import StudyRow, ThemeRow
from storage.repositories.refs import RefCounter

#: The prefix of studies added in the chat (``O-2026-0001``, O for *onderzoek*); imported
#: studies keep the reference of their file.
STUDY_PREFIX = "O"


def to_theme(row: ThemeRow) -> Theme:
    return Theme(
        key=row.key,
        kind=row.kind,
        name_nl=row.name_nl,
        name_en=row.name_en,
        position=row.position,
        active=row.active,
    )


def to_study(row: StudyRow) -> Study:
    return Study(
        id=row.id,
        ref=row.ref,
        title=row.title,
        summary=row.summary,
        year=row.year,
        source=row.source,
        url=row.url,
        status=row.status,
        finished_at=row.finished_at,
    )


class ThemeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find(self, kind: str | None = None, *, active_only: bool = True) -> list[Theme]:
        query = select(ThemeRow).order_by(ThemeRow.kind, ThemeRow.position, ThemeRow.key)
        if kind is not None:
            query = query.where(ThemeRow.kind == kind)
        if active_only:
            query = query.where(ThemeRow.active.is_(True))
        return [to_theme(r) for r in await self._session.scalars(query)]

    async def get(self, key: str) -> Theme | None:
        row = await self._session.scalar(select(ThemeRow).where(ThemeRow.key == key))
        return to_theme(row) if row else None

    async def upsert(self, theme: Theme) -> None:
        row = await self._session.scalar(select(ThemeRow).where(ThemeRow.key == theme.key))
        if row is None:
            row = ThemeRow(key=theme.key)
            self._session.add(row)
        row.kind, row.name_nl, row.name_en = theme.kind, theme.name_nl, theme.name_en
        row.position, row.active = theme.position, theme.active
        await self._session.flush()

    async def seed(self, themes: Iterable[Theme]) -> int:
        """Insert themes that do not exist yet; never overwrite a municipality's own edits."""
        existing = set(await self._session.scalars(select(ThemeRow.key)))
        added = 0
        for theme in themes:
            if theme.key not in existing:
                await self.upsert(theme)
                added += 1
        return added


class StudyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get_by_ref(self, ref: str) -> Study | None:
        row = await self._session.scalar(select(StudyRow).where(StudyRow.ref == ref))
        return to_study(row) if row else None

    async def get(self, study_id: int) -> Study | None:
        row = await self._session.get(StudyRow, study_id)
        return to_study(row) if row else None

    async def upsert(
        self,
        *,
        ref: str,
        title: str,
        now: datetime,
        summary: str = "",
        year: int | None = None,
        source: str = "",
        url: str = "",
        status: str = "finished",
    ) -> tuple[Study, bool]:
        """Insert or update by ``ref``; returns the study and whether it was new."""
        row = await self._session.scalar(select(StudyRow).where(StudyRow.ref == ref))
        created = row is None
        if row is None:
            await RefCounter(self._session).seen(ref)  # an imported O-2026-0007 is never reused
            row = StudyRow(ref=ref, created_at=now)
            self._session.add(row)
        elif (row.title, row.summary) != (title, summary):
            row.vector, row.vector_model = None, None  # made from the old text: make it again
        row.title, row.summary, row.year = title, summary, year
        row.source, row.url, row.status = source, url, status
        await self._session.flush()
        return to_study(row), created

    async def add(
        self,
        *,
        title: str,
        now: datetime,
        summary: str = "",
        year: int | None = None,
        source: str = "",
        url: str = "",
        status: str = "finished",
        analysis: bytes | None = None,
    ) -> Study:
        """A new study with the next ``O-YYYY-NNNN`` reference (the research desk in the chat).

        ``analysis``: the matcher's stored analysis of title and summary (``turn.index_writes``).
        """
        row = await RefCounter(self._session).insert_numbered(
            STUDY_PREFIX,
            now.year,
            lambda ref: StudyRow(
                ref=ref,
                title=title,
                summary=summary,
                year=year,
                source=source,
                url=url,
                status=status,
                created_at=now,
                analysis=analysis,
            ),
        )
        return to_study(row)

    async def find_by_title(self, title: str) -> Study | None:
        """A study with this title, ignoring case and surrounding spaces (against doubles)."""
        wanted = " ".join(title.split()).lower()
        row = await self._session.scalar(
            select(StudyRow).where(func.lower(func.trim(StudyRow.title)) == wanted).limit(1)
        )
        return to_study(row) if row else None

    async def all(self) -> list[Study]:
        return [
            to_study(r) for r in await self._session.scalars(select(StudyRow).order_by(StudyRow.id))
        ]

    async def mark_finished(self, study_id: int, now: datetime) -> None:
        row = await self._session.get(StudyRow, study_id)
        if row is None:
            raise LookupError(study_id)
        row.status, row.finished_at = "finished", now

    async def unannounced(self, limit: int = 20) -> list[Study]:
        """Studies whose news has not gone out yet, oldest first."""
        rows = await self._session.scalars(
            select(StudyRow)
            .where(StudyRow.announced_at.is_(None))
            .order_by(StudyRow.id)
            .limit(limit)
        )
        return [to_study(r) for r in rows]

    async def mark_announced(self, study_id: int, now: datetime) -> None:
        row = await self._session.get(StudyRow, study_id)
        if row is not None and row.announced_at is None:
            row.announced_at = now
            await self._session.flush()

    async def announced_between(self, start: datetime, end: datetime) -> list[Study]:
        """Studies whose news went out in [start, end): the weekly summary's new studies."""
        rows = await self._session.scalars(
            select(StudyRow)
            .where(StudyRow.announced_at >= start, StudyRow.announced_at < end)
            .order_by(StudyRow.id)
        )
        return [to_study(r) for r in rows]
