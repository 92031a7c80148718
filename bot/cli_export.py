"""``signaalbot export signals|questions --format csv|xlsx [--out FILE]`` with Dutch columns."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli import DbOption, fail, run_async, settings_for, started_bot
from kernel.text import clean

SIGNAL_COLUMNS = (
    "referentie",
    "gemeld_op",
    "tekst",
    "thema",
    "deelgebied",
    "wie_geraakt",
    "waar",
    "sinds",
    "hoe_vaak",
    "soort_organisatie",
    "status",
    "toelichting_status",
    "herkend_door",
    "samengevoegd_met",
    "gedeeld_met_aanbieders",
)
QUESTION_COLUMNS = (
    "referentie",
    "gesteld_op",
    "vraag",
    "waarom",
    "voor_wie",
    "nodig_op",
    "thema",
    "status",
    "signalen",
    "urgentie",
    "kennislacune",
    "combineren",
    "haalbaarheid",
    "bestaande_data",
    "belasting",
    "advies",
    "reden_advies",
)


async def collect(bot: Any, what: str) -> tuple[tuple[str, ...], list[list[Any]]]:
    from handlers.weighing import STEPS

    async with bot.services.uow() as uow:
        signals = await uow.intake.all_signals()
        refs = {s.id: s.ref for s in signals}
        if what == "signals":
            counts = await uow.signals.support_counts([s.id for s in signals])
            rows = [
                [
                    s.ref,
                    s.created_at.date().isoformat(),
                    s.text,
                    s.theme_key or "",
                    s.subdomain_key or "",
                    s.affected,
                    s.area,
                    s.since,
                    s.frequency,
                    s.org_type,
                    s.status,
                    s.status_reason,
                    counts.get(s.id, 0),
                    refs.get(s.merged_into_id or 0, ""),
                    "ja" if s.shared_with_providers else "nee",
                ]
                for s in signals
            ]
            return SIGNAL_COLUMNS, rows
        questions = await uow.intake.all_questions()
    rows = []
    for q in questions:
        steps = [
            str((q.weighing.get(str(n)) or {}).get("oordeel", "")) for n in range(1, len(STEPS) + 1)
        ]
        rows.append(
            [
                q.ref,
                q.created_at.date().isoformat(),
                q.question,
                q.why,
                q.needed_by_whom,
                q.needed_by.isoformat() if q.needed_by else "",
                q.theme_key or "",
                q.status,
                " ".join(refs.get(i, "") for i in q.signal_ids),
                *steps,
                q.recommendation or "",
                q.recommendation_reason,
            ]
        )
    return QUESTION_COLUMNS, rows


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in free text (CSV/formula injection), and drop the
    control codes and lone surrogates a spreadsheet cannot hold (openpyxl refuses them), so an
    export never breaks on a stored character."""
    if not isinstance(value, str):
        return value
    value = clean(value)
    if value[:1] in {"=", "+", "-", "@"}:
        return "'" + value
    return value


def write_csv(columns: tuple[str, ...], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(columns)
    writer.writerows([[_safe(v) for v in row] for row in rows])
    return buffer.getvalue()


def write_xlsx(columns: tuple[str, ...], rows: list[list[Any]], title: str, out: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_safe(v) for v in row])
    book.save(out)


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export_cmd(
        what: Annotated[str, typer.Argument(help="signals or questions")],
        fmt: Annotated[str, typer.Option("--format", help="csv or xlsx")] = "csv",
        out: Annotated[Path | None, typer.Option("--out", help="File to write")] = None,
        db: DbOption = None,
    ) -> None:
        """Export signals or research questions with Dutch column names (csv uses ';')."""
        if what not in {"signals", "questions"}:
            raise fail("Choose 'signals' or 'questions'.", 2)
        if fmt not in {"csv", "xlsx"}:
            raise fail("Choose --format csv or xlsx.", 2)
        if fmt == "xlsx" and out is None:
            raise fail("xlsx needs --out FILE.", 2)
        settings = settings_for(db)

        async def main() -> tuple[tuple[str, ...], list[list[Any]]]:
            async with started_bot(settings) as bot:
                return await collect(bot, what)

        columns, rows = run_async(main, settings)
        if fmt == "xlsx":
            assert out is not None
            write_xlsx(columns, rows, "signalen" if what == "signals" else "vragen", out)
        elif out is not None:
            out.write_text(write_csv(columns, rows), encoding="utf-8-sig")
        else:
            sys.stdout.write(write_csv(columns, rows))
        if out is not None:
            typer.echo(f"{len(rows)} rows written to {out}", err=True)
