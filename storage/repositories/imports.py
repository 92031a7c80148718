"""Signals imported by the caller's ``ref``, a chunk of rows in a handful of statements.

Why not :meth:`SignalRepository.upsert_imported` row by row: that is a query, an insert (in a
savepoint) and a counter upsert per row, ~100 rows a second on a busy 2-core machine. Here one
chunk is one ``SELECT … WHERE ref IN``, one multi-row ``INSERT`` for the new refs, one
``executemany`` ``UPDATE`` for the known ones and one counter upsert per (prefix, year), in the
caller's transaction: the chunk is stored whole or not at all. The result is the same as the
row-by-row upserts in file order (a ref twice in a chunk: the first creates, the later update).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, case, func, insert, null, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SignalRow
from storage.repositories.refs import RefCounter, format_ref, parse_ref


@dataclass(frozen=True, slots=True)
class ImportedSignal:
    """One row of an import; ``analysis`` is the matcher's stored analysis of ``text``."""

    ref: str
    text: str
    theme_key: str | None = None
    subdomain_key: str | None = None
    created_at: datetime | None = None
    analysis: bytes | None = None


def _table() -> Table:
    table = SignalRow.__table__
    assert isinstance(table, Table)
    return table


class ImportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def signals(self, rows: Sequence[ImportedSignal], now: datetime) -> tuple[int, int]:
        """Insert or update ``rows`` by ref; returns (created, updated), in file order."""
        if not rows:
            return 0, 0
        refs = sorted({r.ref for r in rows})
        known: dict[str, int] = {}
        for start in range(0, len(refs), 500):
            result = await self._session.execute(
                select(SignalRow.ref, SignalRow.id).where(
                    SignalRow.ref.in_(refs[start : start + 500])
                )
            )
            known.update((ref, id_) for ref, id_ in result)
        new: dict[str, ImportedSignal] = {}
        changed: dict[str, ImportedSignal] = {}
        created = updated = 0
        for row in rows:
            if row.ref in new:
                new[row.ref] = _merged(new[row.ref], row, keep_subdomain=True)
                updated += 1
            elif row.ref in known:
                earlier = changed.get(row.ref)
                changed[row.ref] = row if earlier is None else _merged(earlier, row)
                updated += 1
            else:
                new[row.ref] = row
                created += 1
        await self._insert(list(new.values()), now)
        await self._update([(known[ref], row) for ref, row in changed.items()], now)
        return created, updated

    async def _insert(self, rows: list[ImportedSignal], now: datetime) -> None:
        if not rows:
            return
        highest: dict[tuple[str, int], int] = {}
        for row in rows:
            ours = parse_ref(row.ref)
            if ours is not None:
                prefix, year, number = ours
                highest[prefix, year] = max(number, highest.get((prefix, year), 0))
        counter = RefCounter(self._session)
        for (prefix, year), number in sorted(highest.items()):
            await counter.seen(format_ref(prefix, year, number))
        values: list[dict[str, Any]] = [
            {
                "ref": row.ref,
                "text": row.text,
                "theme_key": row.theme_key,
                "subdomain_key": row.subdomain_key,
                "created_at": row.created_at or now,
                "updated_at": now,
                "analysis": row.analysis,
            }
            for row in rows
        ]
        await self._session.execute(insert(_table()), values)

    async def _update(self, rows: list[tuple[int, ImportedSignal]], now: datetime) -> None:
        """Text, analysis and time always; theme and creation time only when the row has one.

        A row whose text changes loses its vector (made from the old text), so the import's
        vector step and the bot's index job make it again; an unchanged text keeps it.
        """
        if not rows:
            return
        table = _table()
        # SET expressions read the row as it was: this compares the stored text with the new.
        same_text = table.c.text == bindparam("new_text")
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(
                text=bindparam("new_text"),
                theme_key=func.coalesce(
                    bindparam("new_theme", type_=table.c.theme_key.type), table.c.theme_key
                ),
                created_at=func.coalesce(
                    bindparam("new_created", type_=table.c.created_at.type), table.c.created_at
                ),
                updated_at=bindparam("new_updated", type_=table.c.updated_at.type),
                analysis=bindparam("new_analysis", type_=table.c.analysis.type),
                vector=case((same_text, table.c.vector), else_=null()),
                vector_model=case((same_text, table.c.vector_model), else_=null()),
            )
        )
        await self._session.execute(
            statement,
            [
                {
                    "row_id": row_id,
                    "new_text": row.text,
                    "new_theme": row.theme_key,
                    "new_created": row.created_at,
                    "new_updated": now,
                    "new_analysis": row.analysis,
                }
                for row_id, row in rows
            ],
        )


def _merged(
    earlier: ImportedSignal, later: ImportedSignal, *, keep_subdomain: bool = False
) -> ImportedSignal:
    """What an update by ``later`` leaves of ``earlier`` (as ``upsert_imported`` does it)."""
    return replace(
        later,
        theme_key=later.theme_key or earlier.theme_key,
        subdomain_key=earlier.subdomain_key if keep_subdomain else later.subdomain_key,
        created_at=later.created_at or earlier.created_at,
    )
