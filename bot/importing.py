"""Importing signals and studies from CSV: the rules behind `signaalbot import …`.

Re-importing is idempotent by the caller's ``ref``. A bad row is reported by line number and the
rest is imported. Signal texts pass the privacy guard like any other signal: a row with personal
data is refused, never stored.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.csv_import import CsvRow, parse_datetime, read_rows
from privacy import scan
from storage.domain import NewSignal
from storage.uow import UnitOfWork
from turn.context import Services

MAX_TEXT = 10_000


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

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
    rows: Iterable[CsvRow],
    check: Check,
    store: Store,
    progress: Progress | None,
    batch: int,
) -> ImportReport:
    """Check each row, store the good ones in batches of one transaction each."""
    report = ImportReport()
    pending: list[CsvRow] = []

    async def flush() -> None:
        now = services.clock.now()
        async with services.uow() as uow:
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
            await uow.commit()
        if progress:
            progress(len(pending))
        pending.clear()

    for row in rows:
        problem = check(row)
        if problem:
            report.errors.append((row.line, problem))
            if progress:
                progress(1)
            continue
        pending.append(row)
        if len(pending) >= batch:
            await flush()
    if pending:
        await flush()
    return report


async def import_signals(
    services: Services, path: Path, progress: Progress | None = None, batch: int = 500
) -> ImportReport:
    _header, rows, _total = read_rows(path, ("ref", "text"))
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

    return await _import(services, rows, _signal_problem, store, progress, batch)


def _signal_problem(row: CsvRow) -> str | None:
    ref, text = row.values.get("ref", ""), row.values.get("text", "")
    if not ref:
        return "ref is empty"
    if len(ref) > 100:
        return "ref is longer than 100 characters"
    if not text:
        return "text is empty"
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
    services: Services, path: Path, progress: Progress | None = None, batch: int = 500
) -> ImportReport:
    _header, rows, _total = read_rows(path, ("ref", "title"))

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

    return await _import(services, rows, _study_problem, store, progress, batch)
