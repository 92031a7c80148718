"""Importing signals and studies from CSV: the rules behind `signaalbot import …`.

Re-importing is idempotent by the caller's ``ref``. A bad row is reported by line number and the
rest is imported. Signal texts pass the privacy guard like any other signal: a row with personal
data is refused, never stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.csv_import import CsvRow, parse_datetime, read_rows
from handlers.context import Services
from handlers.privacy import scan
from storage.domain import NewSignal

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


async def import_signals(
    services: Services, path: Path, progress: Progress | None = None, batch: int = 500
) -> ImportReport:
    _header, rows, _total = read_rows(path, ("ref", "text"))
    themes = _theme_lookup(services)
    report = ImportReport()
    pending: list[CsvRow] = []

    async def flush() -> None:
        now = services.clock.now()
        async with services.uow() as uow:
            for row in pending:
                values = row.values
                try:
                    created_at = parse_datetime(values.get("created_at", ""))
                except ValueError as exc:
                    report.errors.append((row.line, str(exc)))
                    continue
                theme_raw = values.get("theme", "")
                theme = themes.get(theme_raw.lower(), theme_raw.lower() or None)
                is_sub = theme in {t.key for t in services.domain.subdomains}
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
                if created:
                    report.created += 1
                else:
                    report.updated += 1
            await uow.commit()
        if progress:
            progress(len(pending))
        pending.clear()

    for row in rows:
        problem = _signal_problem(row)
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
    found = scan(text)
    if found:
        kinds = ", ".join(sorted({f.kind for f in found}))
        return f"text contains personal data ({kinds}); not imported"
    return None


async def import_studies(
    services: Services, path: Path, progress: Progress | None = None, batch: int = 500
) -> ImportReport:
    _header, rows, _total = read_rows(path, ("ref", "title"))
    report = ImportReport()
    pending: list[tuple[CsvRow, int | None]] = []

    async def flush() -> None:
        now = services.clock.now()
        async with services.uow() as uow:
            for row, year in pending:
                v = row.values
                _study, created = await uow.studies.upsert(
                    ref=v["ref"],
                    title=v["title"][:500],
                    summary=v.get("summary", ""),
                    year=year,
                    source=v.get("source", "")[:200],
                    url=v.get("url", "")[:500],
                    now=now,
                )
                if created:
                    report.created += 1
                else:
                    report.updated += 1
            await uow.commit()
        if progress:
            progress(len(pending))
        pending.clear()

    for row in rows:
        v = row.values
        if not v.get("ref") or not v.get("title"):
            report.errors.append((row.line, "ref or title is empty"))
            if progress:
                progress(1)
            continue
        year_text = v.get("year", "")
        if year_text and not (year_text.isdigit() and 1900 <= int(year_text) <= 2100):
            report.errors.append((row.line, f"year {year_text!r} is not a year"))
            if progress:
                progress(1)
            continue
        pending.append((row, int(year_text) if year_text else None))
        if len(pending) >= batch:
            await flush()
    if pending:
        await flush()
    return report
