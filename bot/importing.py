"""Importing signals and studies from CSV: the rules behind `signaalbot import …`.

Re-importing is idempotent by the caller's ``ref``. A bad row is reported by line number and the
rest is imported. Signal texts pass the privacy guard like any other signal: a row with personal
data is refused, never stored; a text shorter than the chat asks for is refused too, so an import
cannot bring in what a person could not report.

A dry run does all of it inside one transaction that is rolled back: the counts it shows (new,
updated, skipped) are the ones a real run would give, and nothing is written.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.csv_import import CsvProblem, CsvRow, CsvTable, parse_datetime, read_table
from handlers.signals import TEXT_MIN_LENGTH
from privacy.guard import scan
from storage.domain import NewSignal
from storage.uow import UnitOfWork
from turn.context import Services

MAX_TEXT = 10_000


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def imported(self) -> int:
        return self.created + self.updated


Progress = Callable[[int], None]


def _theme_lookup(services: Services) -> dict[str, str]:
    domain = services.domain
    lookup: dict[str, str] = {}
    for theme in (*domain.themes, *domain.subdomains):
        for name in (theme.key, theme.name_nl, theme.name_en):
            lookup[name.lower()] = theme.key
    return lookup


Check = Callable[[CsvRow], str | None]
Store = Callable[[UnitOfWork, CsvRow, datetime], Awaitable[bool]]


async def _import(
    services: Services,
    table: CsvTable,
    check: Check,
    store: Store,
    progress: Progress | None,
    batch: int,
    dry_run: bool,
) -> ImportReport:
    """Check each row, store the good ones in batches of one transaction each.

    A dry run keeps every batch in one transaction and never commits it.
    """
    report = ImportReport(dry_run=dry_run)
    pending: list[CsvRow] = []
    async with _transactions(services, dry_run) as transaction:

        async def flush() -> None:
            now = services.clock.now()
            async with transaction() as uow:
                for row in pending:
                    try:
                        created = await store(uow, row, now)
                    except ValueError as exc:
                        report.errors.append((row.line, str(exc)))
                        continue
                    if created:
                        report.created += 1
                    else:
                        report.updated += 1
                if not dry_run:
                    await uow.commit()
            if progress:
                progress(len(pending))
            pending.clear()

        for entry in table.entries:
            problem = entry.message if isinstance(entry, CsvProblem) else check(entry)
            if problem:
                report.errors.append((entry.line, problem))
                if progress:
                    progress(1)
                continue
            assert isinstance(entry, CsvRow)
            pending.append(entry)
            if len(pending) >= batch:
                await flush()
        if pending:
            await flush()
    report.errors.sort()
    return report


Transaction = Callable[[], AbstractAsyncContextManager[UnitOfWork]]


@asynccontextmanager
async def _transactions(services: Services, dry_run: bool) -> AsyncIterator[Transaction]:
    """A fresh unit of work per batch; for a dry run the same one every time, rolled back."""
    if not dry_run:
        yield services.uow
        return
    async with services.uow() as shared:

        @asynccontextmanager
        async def same() -> AsyncIterator[UnitOfWork]:
            yield shared

        yield same
        await shared.rollback()


SIGNAL_COLUMNS = ("ref", "text")
STUDY_COLUMNS = ("ref", "title")


async def import_signals(
    services: Services,
    path: Path | CsvTable,
    progress: Progress | None = None,
    batch: int = 500,
    *,
    dry_run: bool = False,
) -> ImportReport:
    table = path if isinstance(path, CsvTable) else read_table(path, SIGNAL_COLUMNS)
    themes = _theme_lookup(services)
    subdomains = {t.key for t in services.domain.subdomains}

    async def store(uow: UnitOfWork, row: CsvRow, now: datetime) -> bool:
        values = row.values
        created_at = parse_datetime(values.get("created_at", ""))
        theme_raw = values.get("theme", "")
        theme = themes.get(theme_raw.lower(), theme_raw.lower() or None)
        is_sub = theme in subdomains
        _signal, created = await uow.signals.upsert_imported(
            NewSignal(
                ref=values["ref"],
                text=values["text"],
                theme_key=None if is_sub else theme,
                subdomain_key=theme if is_sub else None,
                created_at=created_at,
            ),
            now,
        )
        return created

    return await _import(services, table, _signal_problem, store, progress, batch, dry_run)


def _signal_problem(row: CsvRow) -> str | None:
    ref, text = row.values.get("ref", ""), row.values.get("text", "")
    if not ref:
        return "ref is empty"
    if len(ref) > 100:
        return "ref is longer than 100 characters"
    if not text:
        return "text is empty"
    if len(text) < TEXT_MIN_LENGTH:
        return (
            f"text has {len(text)} characters; a signal needs at least {TEXT_MIN_LENGTH}, "
            "as in the chat"
        )
    if len(text) > MAX_TEXT:
        return f"text is longer than {MAX_TEXT} characters"
    try:
        parse_datetime(row.values.get("created_at", ""))
    except ValueError as exc:
        return str(exc)
    found = scan(text)
    if found:
        kinds = ", ".join(sorted({f.kind for f in found}))
        return f"text contains personal data ({kinds}); not imported"
    return None


def _study_problem(row: CsvRow) -> str | None:
    v = row.values
    if not v.get("ref") or not v.get("title"):
        return "ref or title is empty"
    year_text = v.get("year", "")
    if year_text and not (year_text.isdigit() and 1900 <= int(year_text) <= 2100):
        return f"year {year_text!r} is not a year"
    return None


async def import_studies(
    services: Services,
    path: Path | CsvTable,
    progress: Progress | None = None,
    batch: int = 500,
    *,
    dry_run: bool = False,
) -> ImportReport:
    table = path if isinstance(path, CsvTable) else read_table(path, STUDY_COLUMNS)

    async def store(uow: UnitOfWork, row: CsvRow, now: datetime) -> bool:
        v = row.values
        year = v.get("year", "")
        _study, created = await uow.studies.upsert(
            ref=v["ref"],
            title=v["title"][:500],
            summary=v.get("summary", ""),
            year=int(year) if year else None,
            source=v.get("source", "")[:200],
            url=v.get("url", "")[:500],
            now=now,
        )
        return created

    return await _import(services, table, _study_problem, store, progress, batch, dry_run)
