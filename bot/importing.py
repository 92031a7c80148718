"""Importing signals and studies from CSV: the rules behind `signaalbot import …`.

Re-importing is idempotent by the caller's ``ref``. A bad row is reported by line number and the
rest is imported. Signal texts pass the privacy guard like any other signal: a row with personal
data is refused, never stored; a text shorter than the chat asks for is refused too, so an import
cannot bring in what a person could not report.

A dry run does all of it inside one transaction that is rolled back: the counts it shows (new,
updated, skipped) are the ones a real run would give, and nothing is written.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.csv_import import CsvProblem, CsvRow, CsvStream, CsvTable, open_table, parse_datetime
from handlers.signal_form import TEXT_MIN_LENGTH
from privacy import scan
from storage.repositories.imports import ImportedSignal
from storage.uow import UnitOfWork
from turn.context import Services
from turn.index_sync import signal_document

MAX_TEXT = 10_000


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = False
    #: True when the import was asked to stop (Ctrl-C) and stopped after a whole chunk.
    stopped: bool = False

    @property
    def imported(self) -> int:
        return self.created + self.updated


Progress = Callable[[int], None]
Stop = Callable[[], bool]
#: Rows per transaction: a chunk is committed whole or not at all.
CHUNK = 1000


def _theme_lookup(services: Services) -> dict[str, str]:
    domain = services.domain
    lookup: dict[str, str] = {}
    for theme in (*domain.themes, *domain.subdomains):
        for name in (theme.key, theme.name_nl, theme.name_en):
            lookup[name.lower()] = theme.key
    return lookup


Check = Callable[[CsvRow], str | None]
#: Stores a chunk of checked rows; returns (created, updated, [(line, problem)]).
StoreChunk = Callable[
    [UnitOfWork, list[CsvRow], datetime], Awaitable[tuple[int, int, list[tuple[int, str]]]]
]
Entries = CsvTable | CsvStream | Iterable[CsvRow | CsvProblem]


async def _import(
    services: Services,
    entries: Iterable[CsvRow | CsvProblem],
    check: Check,
    store: StoreChunk,
    progress: Progress | None,
    batch: int,
    dry_run: bool,
    stop: Stop | None,
) -> ImportReport:
    """Check each row, store the good ones in chunks of one transaction each.

    ``stop`` is asked before each chunk; when it says so the import ends there, so what is
    stored is whole chunks. A dry run keeps every chunk in one transaction that is rolled back.
    """
    report = ImportReport(dry_run=dry_run)
    pending: list[CsvRow] = []
    async with _transactions(services, dry_run) as transaction:

        async def flush() -> None:
            now = services.clock.now()
            async with transaction() as uow:
                created, updated, problems = await store(uow, pending, now)
                if not dry_run:
                    await uow.commit()
            report.created += created
            report.updated += updated
            report.errors.extend(problems)
            if progress:
                progress(len(pending))
            pending.clear()

        for entry in entries:
            problem = entry.message if isinstance(entry, CsvProblem) else check(entry)
            if problem:
                report.errors.append((entry.line, problem))
                if progress:
                    progress(1)
                continue
            assert isinstance(entry, CsvRow)
            pending.append(entry)
            if len(pending) >= batch:
                if stop is not None and stop():
                    report.stopped = True
                    break
                await flush()
        if pending and not report.stopped:
            if stop is not None and stop():
                report.stopped = True
            else:
                await flush()
    report.errors.sort()
    return report


def _entries(source: Entries) -> Iterable[CsvRow | CsvProblem]:
    return source.entries if isinstance(source, CsvTable | CsvStream) else source


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
    path: Path | Entries,
    progress: Progress | None = None,
    batch: int = CHUNK,
    *,
    dry_run: bool = False,
    stop: Stop | None = None,
) -> ImportReport:
    """Import signals from ``path`` (a file, or rows already read) in chunks of ``batch``.

    Each row passes the privacy guard (:func:`_signal_problem`); the matcher's analysis of each
    text is stored with it (``matching.stored``), so the index need not analyse it again.
    """
    source = open_table(path, SIGNAL_COLUMNS) if isinstance(path, Path) else path
    themes = _theme_lookup(services)
    subdomains = {t.key for t in services.domain.subdomains}
    matcher = services.matcher

    async def store(
        uow: UnitOfWork, rows: list[CsvRow], now: datetime
    ) -> tuple[int, int, list[tuple[int, str]]]:
        chunk: list[ImportedSignal] = []
        for row in rows:
            values = row.values
            theme_raw = values.get("theme", "")
            theme = themes.get(theme_raw.lower(), theme_raw.lower() or None)
            is_sub = theme in subdomains
            doc = signal_document(values["ref"], values["text"])
            chunk.append(
                ImportedSignal(
                    ref=values["ref"],
                    text=values["text"],
                    theme_key=None if is_sub else theme,
                    subdomain_key=theme if is_sub else None,
                    created_at=parse_datetime(values.get("created_at", "")),
                    analysis=matcher.pack(doc, matcher.prepare(doc)),
                )
            )
        created, updated = await uow.imports.signals(chunk, now)
        return created, updated, []

    return await _import(
        services, _entries(source), _signal_problem, store, progress, batch, dry_run, stop
    )


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
    path: Path | Entries,
    progress: Progress | None = None,
    batch: int = CHUNK,
    *,
    dry_run: bool = False,
    stop: Stop | None = None,
) -> ImportReport:
    source = open_table(path, STUDY_COLUMNS) if isinstance(path, Path) else path

    async def store(
        uow: UnitOfWork, rows: list[CsvRow], now: datetime
    ) -> tuple[int, int, list[tuple[int, str]]]:
        created = updated = 0
        for row in rows:
            v = row.values
            year = v.get("year", "")
            _study, new = await uow.studies.upsert(
                ref=v["ref"],
                title=v["title"][:500],
                summary=v.get("summary", ""),
                year=int(year) if year else None,
                source=v.get("source", "")[:200],
                url=v.get("url", "")[:500],
                now=now,
            )
            created, updated = (created + 1, updated) if new else (created, updated + 1)
        return created, updated, []

    return await _import(
        services, _entries(source), _study_problem, store, progress, batch, dry_run, stop
    )
