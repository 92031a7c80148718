"""Agenda sessions, their RSVPs, agenda items and votes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AgendaSessionRow,
    SessionAgendaItemRow,
    SessionRsvpRow,
    SessionVoteRow,
    SignalRow,
)

RSVP_ANSWERS = ("ja", "nee", "misschien")


@dataclass(frozen=True, slots=True)
class AgendaSession:
    id: int
    key: str
    kind: str
    title: str
    starts_at: datetime
    duration_minutes: int
    location: str
    study_id: int | None
    status: str
    agenda_confirmed_at: datetime | None
    agenda_confirmed_by: int | None
    vote_closed_at: datetime | None
    details: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AgendaItem:
    id: int
    session_id: int
    source: str  # proposal | signal | question
    text: str
    signal_id: int | None
    question_id: int | None
    proposer_id: int | None
    support: int
    status: str
    outcome: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Rsvp:
    session_id: int
    person_id: int
    answer: str
    answered_at: datetime


def to_session(row: AgendaSessionRow) -> AgendaSession:
    return AgendaSession(
        id=row.id,
        key=row.key,
        kind=row.kind,
        title=row.title,
        starts_at=row.starts_at,
        duration_minutes=row.duration_minutes,
        location=row.location,
        study_id=row.study_id,
        status=row.status,
        agenda_confirmed_at=row.agenda_confirmed_at,
        agenda_confirmed_by=row.agenda_confirmed_by,
        vote_closed_at=row.vote_closed_at,
        details=dict(row.details or {}),
        created_at=row.created_at,
    )


def to_item(row: SessionAgendaItemRow) -> AgendaItem:
    return AgendaItem(
        id=row.id,
        session_id=row.session_id,
        source=row.source,
        text=row.text,
        signal_id=row.signal_id,
        question_id=row.question_id,
        proposer_id=row.proposer_id,
        support=row.support,
        status=row.status,
        outcome=row.outcome,
        created_at=row.created_at,
    )


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- sessions ---------------------------------------------------------------------------

    async def plan(
        self,
        *,
        key: str,
        kind: str,
        title: str,
        starts_at: datetime,
        duration_minutes: int,
        now: datetime,
        location: str = "",
        study_id: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> tuple[AgendaSession, bool]:
        """Add a session unless one with ``key`` exists; returns it and whether it is new."""
        existing = await self._session.scalar(
            select(AgendaSessionRow).where(AgendaSessionRow.key == key)
        )
        if existing is not None:
            return to_session(existing), False
        row = AgendaSessionRow(
            key=key,
            kind=kind,
            title=title,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            location=location,
            study_id=study_id,
            details=details or {},
            created_at=now,
        )
        try:
            async with self._session.begin_nested():
                self._session.add(row)
                await self._session.flush()
        except IntegrityError:
            again = await self._session.scalar(
                select(AgendaSessionRow).where(AgendaSessionRow.key == key)
            )
            assert again is not None
            return to_session(again), False
        return to_session(row), True

    async def get(self, session_id: int) -> AgendaSession | None:
        row = await self._session.get(AgendaSessionRow, session_id)
        return to_session(row) if row else None

    async def find(
        self,
        *,
        kind: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        statuses: Sequence[str] = (),
    ) -> list[AgendaSession]:
        query = select(AgendaSessionRow).order_by(AgendaSessionRow.starts_at, AgendaSessionRow.id)
        if kind:
            query = query.where(AgendaSessionRow.kind == kind)
        if since is not None:
            query = query.where(AgendaSessionRow.starts_at >= since)
        if until is not None:
            query = query.where(AgendaSessionRow.starts_at < until)
        if statuses:
            query = query.where(AgendaSessionRow.status.in_(statuses))
        return [to_session(r) for r in await self._session.scalars(query)]

    async def update(self, session_id: int, **fields: Any) -> AgendaSession:
        row = await self._session.get(AgendaSessionRow, session_id)
        if row is None:
            raise LookupError(session_id)
        for name, value in fields.items():
            if not hasattr(row, name):
                raise AttributeError(name)
            setattr(row, name, value)
        await self._session.flush()
        return to_session(row)

    async def set_detail(self, session_id: int, name: str, value: Any) -> AgendaSession:
        row = await self._session.get(AgendaSessionRow, session_id)
        if row is None:
            raise LookupError(session_id)
        row.details = {**(row.details or {}), name: value}
        await self._session.flush()
        return to_session(row)

    # --- RSVPs ------------------------------------------------------------------------------

    async def rsvp(self, session_id: int, person_id: int, answer: str, now: datetime) -> bool:
        """Record or change an answer; False when it is the same answer as before."""
        if answer not in RSVP_ANSWERS:
            raise ValueError(answer)
        row = await self._session.scalar(
            select(SessionRsvpRow).where(
                SessionRsvpRow.session_id == session_id, SessionRsvpRow.person_id == person_id
            )
        )
        if row is not None:
            if row.answer == answer:
                return False
            row.answer, row.answered_at = answer, now
            await self._session.flush()
            return True
        self._session.add(
            SessionRsvpRow(
                session_id=session_id, person_id=person_id, answer=answer, answered_at=now
            )
        )
        await self._session.flush()
        return True

    async def rsvps(self, session_id: int) -> list[Rsvp]:
        rows = await self._session.scalars(
            select(SessionRsvpRow)
            .where(SessionRsvpRow.session_id == session_id)
            .order_by(SessionRsvpRow.id)
        )
        return [Rsvp(r.session_id, r.person_id, r.answer, r.answered_at) for r in rows]

    async def rsvp_counts(self, session_id: int) -> dict[str, int]:
        rows = await self._session.execute(
            select(SessionRsvpRow.answer, func.count(SessionRsvpRow.id))
            .where(SessionRsvpRow.session_id == session_id)
            .group_by(SessionRsvpRow.answer)
        )
        counts = dict.fromkeys(RSVP_ANSWERS, 0)
        counts.update({answer: int(n) for answer, n in rows})
        return counts

    # --- agenda -----------------------------------------------------------------------------

    async def add_item(
        self,
        session_id: int,
        *,
        source: str,
        text: str,
        now: datetime,
        signal_id: int | None = None,
        question_id: int | None = None,
        proposer_id: int | None = None,
        support: int = 0,
    ) -> AgendaItem:
        row = SessionAgendaItemRow(
            session_id=session_id,
            source=source,
            text=text,
            signal_id=signal_id,
            question_id=question_id,
            proposer_id=proposer_id,
            support=support,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return to_item(row)

    async def items(self, session_id: int) -> list[AgendaItem]:
        rows = await self._session.scalars(
            select(SessionAgendaItemRow)
            .where(SessionAgendaItemRow.session_id == session_id)
            .order_by(SessionAgendaItemRow.id)
        )
        return [to_item(r) for r in rows]

    async def get_item(self, item_id: int) -> AgendaItem | None:
        row = await self._session.get(SessionAgendaItemRow, item_id)
        return to_item(row) if row else None

    async def update_item(self, item_id: int, **fields: Any) -> AgendaItem:
        row = await self._session.get(SessionAgendaItemRow, item_id)
        if row is None:
            raise LookupError(item_id)
        for name, value in fields.items():
            if not hasattr(row, name):
                raise AttributeError(name)
            setattr(row, name, value)
        await self._session.flush()
        return to_item(row)

    async def items_with_outcome(self, outcome: str, since: datetime) -> list[AgendaItem]:
        rows = await self._session.scalars(
            select(SessionAgendaItemRow)
            .join(AgendaSessionRow, AgendaSessionRow.id == SessionAgendaItemRow.session_id)
            .where(SessionAgendaItemRow.outcome == outcome, AgendaSessionRow.starts_at >= since)
            .order_by(SessionAgendaItemRow.id)
        )
        return [to_item(r) for r in rows]

    async def share_agenda_signals(self, session_id: int) -> list[int]:
        """Share the signals on a confirmed agenda with providers; returns their ids."""
        rows = await self._session.scalars(
            select(SignalRow)
            .join(SessionAgendaItemRow, SessionAgendaItemRow.signal_id == SignalRow.id)
            .where(
                SessionAgendaItemRow.session_id == session_id,
                SignalRow.shared_with_providers.is_(False),
            )
        )
        shared = []
        for row in rows:
            row.shared_with_providers = True
            shared.append(row.id)
        await self._session.flush()
        return shared

    # --- votes ------------------------------------------------------------------------------

    async def vote(self, session_id: int, item_id: int, person_id: int, now: datetime) -> bool:
        """One vote per person per candidate; False when this person already voted for it."""
        try:
            async with self._session.begin_nested():
                self._session.add(
                    SessionVoteRow(
                        session_id=session_id, item_id=item_id, person_id=person_id, created_at=now
                    )
                )
                await self._session.flush()
        except IntegrityError:
            return False
        return True

    async def vote_counts(self, session_id: int) -> dict[int, int]:
        rows = await self._session.execute(
            select(SessionVoteRow.item_id, func.count(SessionVoteRow.id))
            .where(SessionVoteRow.session_id == session_id)
            .group_by(SessionVoteRow.item_id)
        )
        return {item_id: int(n) for item_id, n in rows}
