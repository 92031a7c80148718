"""Signals, their support and research questions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.domain import WITHDRAWN_STATUS, NewSignal, ResearchQuestion, Signal, Support
from storage.models import (
    ResearchQuestionRow,
    SignalRow,
    SignalSupportRow,
    question_signal,
    question_study,
)
from storage.repositories.refs import RefCounter


def to_signal(row: SignalRow) -> Signal:
    return Signal(
        id=row.id,
        ref=row.ref,
        text=row.text,
        theme_key=row.theme_key,
        subdomain_key=row.subdomain_key,
        affected=row.affected,
        area=row.area,
        since=row.since,
        frequency=row.frequency,
        org_type=row.org_type,
        reporter_id=row.reporter_id,
        status=row.status,
        status_reason=row.status_reason,
        merged_into_id=row.merged_into_id,
        shared_with_providers=row.shared_with_providers,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def matchable() -> ColumnElement[bool]:
    """The one rule for "this signal can still be matched": not merged away, not withdrawn.

    Why one SQL expression for everyone: the index's loader pages through it, the follower
    selects it as a column for each changed ref (true: index it, false: take it out) and the
    embedder skips what it rules out. Two copies of the rule drifted apart once (the loader
    skipped only merged signals, so a withdrawn one came back at every start). Plain table
    columns, so that Core selects stay free of the ORM's result processing.
    """
    table = SignalRow.__table__
    assert isinstance(table, Table)
    return and_(table.c.merged_into_id.is_(None), table.c.status != WITHDRAWN_STATUS)


@dataclass(frozen=True, slots=True)
class SignalFilter:
    theme_key: str | None = None
    status: str | None = None
    org_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    reporter_id: int | None = None
    include_merged: bool = False


def filtered(
    query: Select[Any], f: SignalFilter, *, theme_or_subdomain: bool = False
) -> Select[Any]:
    """``query`` narrowed to the signals ``f`` asks for.

    ``theme_or_subdomain``: ``f.theme_key`` also matches a signal's subdomain.
    """
    if f.theme_key:
        theme = SignalRow.theme_key == f.theme_key
        query = query.where(
            or_(theme, SignalRow.subdomain_key == f.theme_key) if theme_or_subdomain else theme
        )
    if f.status:
        query = query.where(SignalRow.status == f.status)
    if f.org_type:
        query = query.where(SignalRow.org_type == f.org_type)
    if f.since:
        query = query.where(SignalRow.created_at >= f.since)
    if f.until:
        query = query.where(SignalRow.created_at < f.until)
    if f.reporter_id is not None:
        query = query.where(SignalRow.reporter_id == f.reporter_id)
    if not f.include_merged:
        query = query.where(SignalRow.merged_into_id.is_(None))
    return query


class SignalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, new: NewSignal, now: datetime, *, analysis: bytes | None = None) -> Signal:
        """Store a signal. Its reference is kept as given or numbered S-YYYY-NNNN
        (:meth:`RefCounter.insert_numbered`). ``analysis``: the matcher's stored analysis of
        the text (``turn.index_writes``), written in the same ``INSERT``."""
        created = new.created_at or now
        refs = RefCounter(self._session)

        def build(ref: str) -> SignalRow:
            return SignalRow(
                ref=ref,
                text=new.text,
                theme_key=new.theme_key,
                subdomain_key=new.subdomain_key,
                affected=new.affected,
                area=new.area,
                since=new.since,
                frequency=new.frequency,
                org_type=new.org_type,
                reporter_id=new.reporter_id,
                created_at=created,
                updated_at=now,
                analysis=analysis,
            )

        if new.ref is None:
            return to_signal(await refs.insert_numbered("S", created.year, build))
        await refs.seen(new.ref)
        row = build(new.ref)
        async with self._session.begin_nested():  # a taken ref raises, the transaction stays
            self._session.add(row)
            await self._session.flush()
        return to_signal(row)

    async def upsert_imported(self, new: NewSignal, now: datetime) -> tuple[Signal, bool]:
        """Import by the caller's ``ref``: a second import of the same ref updates, never doubles."""
        if new.ref is None:
            raise ValueError("imported signals need a ref")
        row = await self._session.scalar(select(SignalRow).where(SignalRow.ref == new.ref))
        if row is None:
            return await self.add(new, now), True
        row.text = new.text
        row.theme_key = new.theme_key or row.theme_key
        if new.created_at is not None:
            row.created_at = new.created_at
        row.updated_at = now
        await self._session.flush()
        return to_signal(row), False

    async def get(self, signal_id: int) -> Signal | None:
        row = await self._session.get(SignalRow, signal_id)
        return to_signal(row) if row else None

    async def get_by_ref(self, ref: str) -> Signal | None:
        row = await self._session.scalar(
            select(SignalRow).where(func.upper(SignalRow.ref) == ref.strip().upper())
        )
        return to_signal(row) if row else None

    async def find(
        self, filters: SignalFilter = SignalFilter(), *, offset: int = 0, limit: int = 50
    ) -> list[Signal]:
        query = filtered(select(SignalRow), filters)
        query = query.order_by(SignalRow.created_at.desc(), SignalRow.id.desc())
        rows = await self._session.scalars(query.offset(offset).limit(limit))
        return [to_signal(r) for r in rows]

    async def count(self, filters: SignalFilter = SignalFilter()) -> int:
        """How many signals :meth:`find` would page through with the same filter."""
        query = filtered(select(func.count(SignalRow.id)), filters)
        return int(await self._session.scalar(query) or 0)

    async def active_for_index(self) -> list[tuple[str, str]]:
        """(ref, text) of every signal that can still be matched: not merged, not withdrawn."""
        rows = await self._session.execute(select(SignalRow.ref, SignalRow.text).where(matchable()))
        return [(ref, text) for ref, text in rows]

    async def set_text(
        self, signal_id: int, text: str, now: datetime, *, analysis: bytes | None = None
    ) -> Signal:
        """The reporter's own addition: the whole new text (already checked by the guard).

        ``analysis`` is the new text's stored analysis. A changed text loses its vector, which
        was made from the old one: that queues the row for the index job's next vector.
        """
        row = await self._session.get(SignalRow, signal_id)
        if row is None:
            raise LookupError(signal_id)
        if row.text != text:
            row.vector, row.vector_model = None, None
        row.text, row.updated_at, row.analysis = text, now, analysis
        await self._session.flush()
        return to_signal(row)

    async def set_status(self, signal_id: int, status: str, reason: str, now: datetime) -> Signal:
        row = await self._session.get(SignalRow, signal_id)
        if row is None:
            raise LookupError(signal_id)
        row.status, row.status_reason, row.updated_at = status, reason, now
        await self._session.flush()
        return to_signal(row)

    async def add_support(
        self, signal_id: int, person_id: int | None, org_type: str, context: str, now: datetime
    ) -> bool:
        """Record "ik zie dit ook"; False when this person already supports it."""
        try:
            async with self._session.begin_nested():
                self._session.add(
                    SignalSupportRow(
                        signal_id=signal_id,
                        person_id=person_id,
                        org_type=org_type,
                        context=context,
                        created_at=now,
                    )
                )
                await self._session.flush()
        except IntegrityError:
            return False
        return True

    async def supports(self, signal_id: int) -> list[Support]:
        rows = await self._session.scalars(
            select(SignalSupportRow)
            .where(SignalSupportRow.signal_id == signal_id)
            .order_by(SignalSupportRow.created_at)
        )
        return [
            Support(
                signal_id=r.signal_id,
                person_id=r.person_id,
                org_type=r.org_type,
                context=r.context,
                created_at=r.created_at,
            )
            for r in rows
        ]

    async def support_counts(self, signal_ids: Sequence[int]) -> dict[int, int]:
        if not signal_ids:
            return {}
        rows = await self._session.execute(
            select(SignalSupportRow.signal_id, func.count(SignalSupportRow.id))
            .where(SignalSupportRow.signal_id.in_(signal_ids))
            .group_by(SignalSupportRow.signal_id)
        )
        return {sid: int(n) for sid, n in rows}


def to_question(
    row: ResearchQuestionRow, signal_ids: Sequence[int] = (), study_ids: Sequence[int] = ()
) -> ResearchQuestion:
    return ResearchQuestion(
        id=row.id,
        ref=row.ref,
        question=row.question,
        why=row.why,
        needed_by_whom=row.needed_by_whom,
        needed_by=row.needed_by,
        theme_key=row.theme_key,
        requester_id=row.requester_id,
        status=row.status,
        weighing=dict(row.weighing),
        recommendation=row.recommendation,
        recommendation_reason=row.recommendation_reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
        signal_ids=tuple(signal_ids),
        study_ids=tuple(study_ids),
    )


class QuestionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        question: str,
        now: datetime,
        why: str = "",
        needed_by_whom: str = "",
        needed_by: Any = None,
        theme_key: str | None = None,
        requester_id: int | None = None,
        signal_ids: Sequence[int] = (),
    ) -> ResearchQuestion:
        row = await RefCounter(self._session).insert_numbered(
            "V",
            now.year,
            lambda ref: ResearchQuestionRow(
                ref=ref,
                question=question,
                why=why,
                needed_by_whom=needed_by_whom,
                needed_by=needed_by,
                theme_key=theme_key,
                requester_id=requester_id,
                weighing={},
                created_at=now,
                updated_at=now,
            ),
        )
        await self.link_signals(row.id, signal_ids)
        return to_question(row, signal_ids)

    async def link_signals(self, question_id: int, signal_ids: Sequence[int]) -> None:
        existing = set(await self._linked(question_signal, question_id))
        new = [sid for sid in dict.fromkeys(signal_ids) if sid not in existing]
        if new:
            await self._session.execute(
                insert(question_signal),
                [{"question_id": question_id, "signal_id": sid} for sid in new],
            )

    async def link_studies(self, question_id: int, study_ids: Sequence[int]) -> None:
        existing = set(await self._linked(question_study, question_id))
        new = [sid for sid in dict.fromkeys(study_ids) if sid not in existing]
        if new:
            await self._session.execute(
                insert(question_study),
                [{"question_id": question_id, "study_id": sid} for sid in new],
            )

    async def _linked(self, table: Any, question_id: int) -> list[int]:
        other = table.c.signal_id if "signal_id" in table.c else table.c.study_id
        return list(
            await self._session.scalars(select(other).where(table.c.question_id == question_id))
        )

    async def get_by_ref(self, ref: str) -> ResearchQuestion | None:
        row = await self._session.scalar(
            select(ResearchQuestionRow).where(
                func.upper(ResearchQuestionRow.ref) == ref.strip().upper()
            )
        )
        if row is None:
            return None
        return to_question(
            row,
            await self._linked(question_signal, row.id),
            await self._linked(question_study, row.id),
        )

    async def update(self, question_id: int, now: datetime, **fields: Any) -> ResearchQuestion:
        row = await self._session.get(ResearchQuestionRow, question_id)
        if row is None:
            raise LookupError(question_id)
        for name, value in fields.items():
            if not hasattr(row, name):
                raise AttributeError(name)
            setattr(row, name, value)
        row.updated_at = now
        await self._session.flush()
        return to_question(
            row,
            await self._linked(question_signal, row.id),
            await self._linked(question_study, row.id),
        )

    async def find(
        self, *, status: str | None = None, offset: int = 0, limit: int = 50
    ) -> list[ResearchQuestion]:
        query = select(ResearchQuestionRow)
        if status:
            query = query.where(ResearchQuestionRow.status == status)
        query = query.order_by(ResearchQuestionRow.created_at.desc()).offset(offset).limit(limit)
        return [to_question(r) for r in await self._session.scalars(query)]
