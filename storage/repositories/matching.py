"""What the similarity index reads and writes: searchable rows, their vectors, the change log."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, and_, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from storage.models import IndexChangeRow, SignalRow, StudyRow
from storage.repositories.signals import matchable


@dataclass(frozen=True, slots=True)
class Searchable:
    """One row as the index needs it.

    ``active`` False: no longer matchable (merged away or withdrawn, see
    :func:`storage.repositories.signals.matchable`): take it out of the index.
    """

    kind: str
    ref: str
    title: str
    text: str
    active: bool
    vector: bytes | None
    vector_model: str | None
    #: The row's id and its stored analysis (``matching.stored``; None: not stored yet).
    id: int = 0
    analysis: bytes | None = None


@dataclass(frozen=True, slots=True)
class Unembedded:
    kind: str
    id: int
    text: str


def _columns(model: type[SignalRow] | type[StudyRow]) -> Any:
    """The table's columns: a Core select, whose rows skip the ORM's result processing (a
    third of the time of reading 100,000 rows at start-up)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table.c


class MatchingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def last_change(self) -> int:
        """The id of the newest change-log row (0 when there is none)."""
        return int(await self._session.scalar(select(func.max(IndexChangeRow.id))) or 0)

    async def changes(
        self, after: int, also: Collection[int] = (), limit: int = 5000
    ) -> list[tuple[int, str, str]]:
        """(id, kind, ref) after ``after``, plus the ids in ``also`` (gaps seen earlier)."""
        condition = IndexChangeRow.id > after
        if also:
            condition = or_(condition, IndexChangeRow.id.in_(sorted(also)))
        rows = await self._session.execute(
            select(IndexChangeRow.id, IndexChangeRow.kind, IndexChangeRow.ref)
            .where(condition)
            .order_by(IndexChangeRow.id)
            .limit(limit)
        )
        return [(i, k, r) for i, k, r in rows]

    async def searchable(
        self,
        kind: str,
        refs: Sequence[str] | None = None,
        *,
        after: int = 0,
        limit: int | None = None,
    ) -> list[Searchable]:
        """Rows of ``kind`` to index, by id: all active ones, or the named ones (active or not).

        ``after`` and ``limit`` page through the active rows (ids above ``after``), so that
        loading 100,000 rows never holds them all at once. A signal is active by
        :func:`~storage.repositories.signals.matchable`, for the loader and the follower alike:
        what a restart leaves out, a follow round takes out.
        """
        if kind == "signal":
            sig = _columns(SignalRow)
            signals = select(
                sig.ref,
                sig.text,
                matchable().label("active"),
                sig.vector,
                sig.vector_model,
                sig.id,
                sig.analysis,
            ).order_by(sig.id)
            signals = (
                signals.where(matchable(), sig.id > after)
                if refs is None
                else signals.where(sig.ref.in_(refs))
            )
            if limit is not None:
                signals = signals.limit(limit)
            return [
                Searchable("signal", ref, "", text, bool(active), vector, model, id_, analysis)
                for ref, text, active, vector, model, id_, analysis in await self._session.execute(
                    signals
                )
            ]
        st = _columns(StudyRow)
        studies = select(
            st.ref, st.title, st.summary, st.vector, st.vector_model, st.id, st.analysis
        ).order_by(st.id)
        studies = studies.where(st.id > after) if refs is None else studies.where(st.ref.in_(refs))
        if limit is not None:
            studies = studies.limit(limit)
        return [
            Searchable("study", ref, title, summary, True, vector, model, id_, analysis)
            for ref, title, summary, vector, model, id_, analysis in await self._session.execute(
                studies
            )
        ]

    async def store_analysis(self, kind: str, items: Sequence[tuple[int, bytes]]) -> None:
        """Write stored analyses (row id, blob), in one statement per batch.

        ``analysis`` is no column of the change-log triggers: writing it is no news for anyone.
        """
        await self._update_by_id(kind, items, analysis=bindparam("blob"))

    async def unembedded(
        self, model: str, limit: int, *, below: int | None = None
    ) -> list[Unembedded]:
        """Rows without a vector from ``model``: studies first (few, shown to everyone), then
        matchable signals, newest first (a withdrawn one is searched by nobody).

        ``below``: only signals with a smaller id. A caller working through a backlog passes
        the smallest id it was handed, so each batch reads on where the last one stopped
        instead of scanning past every row embedded so far (~30 ms a batch at 100,000 rows on
        SQLite: there is no index on the vector columns).
        """
        out: list[Unembedded] = []
        for id_, title, summary in await self._session.execute(
            select(StudyRow.id, StudyRow.title, StudyRow.summary)
            .where(_without_vector(StudyRow, model))
            .limit(limit)
        ):
            out.append(Unembedded("study", id_, f"{title}. {summary}".strip()))
        if len(out) < limit:
            missing = _without_vector(SignalRow, model)
            if below is not None:
                missing = and_(missing, SignalRow.id < below)
            for id_, text in await self._session.execute(
                select(SignalRow.id, SignalRow.text)
                .where(missing, matchable())
                .order_by(SignalRow.id.desc())
                .limit(limit - len(out))
            ):
                out.append(Unembedded("signal", id_, text))
        return out

    async def count_unembedded(self, model: str) -> int:
        """How many rows :meth:`unembedded` would still hand out."""
        signals = await self._session.scalar(
            select(func.count(SignalRow.id)).where(_without_vector(SignalRow, model), matchable())
        )
        studies = await self._session.scalar(
            select(func.count(StudyRow.id)).where(_without_vector(StudyRow, model))
        )
        return int(signals or 0) + int(studies or 0)

    async def store_vectors(
        self, kind: str, vectors: Sequence[tuple[int, bytes]], model: str
    ) -> None:
        """Write vectors (row id, blob) made by ``model``, in one statement per batch."""
        await self._update_by_id(kind, vectors, vector=bindparam("blob"), vector_model=model)

    async def _update_by_id(
        self, kind: str, items: Sequence[tuple[int, bytes]], **values: Any
    ) -> None:
        """One UPDATE of ``kind``'s table for every (row id, blob) in ``items``."""
        if not items:
            return
        table = SignalRow.__table__ if kind == "signal" else StudyRow.__table__
        assert isinstance(table, Table)
        statement = update(table).where(table.c.id == bindparam("row_id")).values(**values)
        await self._session.execute(statement, [{"row_id": i, "blob": b} for i, b in items])


def _without_vector(row: type[SignalRow] | type[StudyRow], model: str) -> ColumnElement[bool]:
    """Rows whose vector is missing or was made by another model (``model`` makes it again)."""
    return or_(row.vector_model.is_(None), row.vector_model != model)
