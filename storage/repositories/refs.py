"""Per-year references (``S-2026-0041``, ``V-2026-0003``) from an atomic counter row.

Why: reading ``max(ref)`` and adding one lets two writers take the same number, and it only
worked while every reference had exactly four digits. Here one statement increments the row for
(prefix, year) in the caller's transaction, ``INSERT … ON CONFLICT DO UPDATE … RETURNING``, which
PostgreSQL and SQLite both run atomically: PostgreSQL holds the row lock until commit, SQLite the
write lock. Numbers grow past 9999 (``S-2026-10000``). A reference that was imported as given and
happens to look like one of ours (``S-2026-0500``) moves the counter past it, so it is never
handed out again; any other string is simply not ours and leaves the numbering alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import case
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import RefCounterRow
from storage.repositories.upsert import insert_for

Row = TypeVar("Row")
#: Numbers tried per insert. Only a number taken by a row the counter never saw (written before
#: the counter existed, or by hand) costs a try; the counter has then moved past it.
ATTEMPTS = 5

# Ours: a capital letter, the year, at least four digits (zero-padded to four). More than twelve
# digits cannot be ours (the counter would need a trillion signals a year) and is left alone.
_OURS = re.compile(r"([A-Z])-(\d{4})-(\d{4,12})")


def format_ref(prefix: str, year: int, number: int) -> str:
    """``S``, 2026, 41 → ``S-2026-0041``; 10000 → ``S-2026-10000``."""
    return f"{prefix}-{year}-{number:04d}"


def parse_ref(ref: str) -> tuple[str, int, int] | None:
    """(prefix, year, number) when ``ref`` is exactly what :func:`format_ref` would give.

    Case is ignored because lookups by reference ignore it. ``S-2026-00041`` is not ours (we
    would write ``S-2026-0041``), so it can never clash with a number we hand out.
    """
    match = _OURS.fullmatch(ref.strip().upper())
    if match is None:
        return None
    prefix, year, number = match[1], int(match[2]), int(match[3])
    if format_ref(prefix, year, number) != match[0]:
        return None
    return prefix, year, number


class RefCounter:
    """Hands out the next number per prefix and year inside the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def next(self, prefix: str, year: int) -> str:
        """The next free reference; the number is taken when the transaction commits."""
        statement = (
            insert_for(self._session, RefCounterRow)
            .values(prefix=prefix, year=year, last=1)
            .on_conflict_do_update(
                index_elements=[RefCounterRow.prefix, RefCounterRow.year],
                set_={"last": RefCounterRow.last + 1},
            )
            .returning(RefCounterRow.last)
        )
        number = await self._session.scalar(statement)
        assert number is not None  # RETURNING always yields the row it wrote
        return format_ref(prefix, year, int(number))

    async def seen(self, ref: str) -> None:
        """A reference stored as given: if it is one of ours, never hand its number out again."""
        parsed = parse_ref(ref)
        if parsed is None:
            return
        prefix, year, number = parsed
        statement = insert_for(self._session, RefCounterRow).values(
            prefix=prefix, year=year, last=number
        )
        statement = statement.on_conflict_do_update(
            index_elements=[RefCounterRow.prefix, RefCounterRow.year],
            set_={
                "last": case(
                    (RefCounterRow.last < statement.excluded.last, statement.excluded.last),
                    else_=RefCounterRow.last,
                )
            },
        )
        await self._session.execute(statement)

    async def insert_numbered(self, prefix: str, year: int, build: Callable[[str], Row]) -> Row:
        """Add the row ``build`` makes for the next free reference, and flush it.

        Each try runs in a savepoint, so a number that turns out to be taken is rolled back
        alone and the next one is tried; the caller's transaction stays usable.
        """
        for _attempt in range(ATTEMPTS):
            row = build(await self.next(prefix, year))
            try:
                async with self._session.begin_nested():
                    self._session.add(row)
                    await self._session.flush()
            except IntegrityError:
                continue
            return row
        raise RuntimeError(f"could not allocate a {prefix}-{year} reference")
