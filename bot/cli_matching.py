"""`signaalbot import signals|studies FILE.csv` and `signaalbot similar …`.

The output of ``similar --json`` is a contract used by scripts: per query one line holding a
JSON list of ``{"kind","ref","title","score","duplicate"}``, best first.

``import`` exits 0 when every row was imported, 3 when any row was skipped (each one is reported
with its line number on stderr), 1 when the file cannot be used at all. ``--dry-run`` reads and
checks everything inside a transaction that is rolled back.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli import DbOption, fail, run_async, settings_for
from kernel.text import clean, stdin_lines

if TYPE_CHECKING:
    from turn.context import Services


def register(app: typer.Typer) -> None:
    import_app = typer.Typer(
        help="Import signals or studies from a CSV file.", no_args_is_help=True
    )
    app.add_typer(import_app, name="import")
    import_app.command("signals")(import_signals_command)
    import_app.command("studies")(import_studies_command)
    app.command("similar")(similar_command)


FileArg = Annotated[Path, typer.Argument(help="CSV file: UTF-8 or cp1252, ',' or ';', header row")]
DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help="Check every row and show the counts; write nothing"),
]
SKIPPED_EXIT = 3


def _import(kind: str, file: Path, db: str | None, dry_run: bool) -> None:
    """Exit 0 when every row was imported, 3 when any was skipped, 1 when the file is unusable."""
    from bot.bootstrap import bootstrap
    from bot.csv_import import CsvFileError, read_table
    from bot.importing import (
        SIGNAL_COLUMNS,
        STUDY_COLUMNS,
        ImportReport,
        import_signals,
        import_studies,
    )
    from matching import MatchIndex

    settings = settings_for(db)
    importer = import_signals if kind == "signals" else import_studies
    try:
        table = read_table(file, SIGNAL_COLUMNS if kind == "signals" else STUDY_COLUMNS)
    except CsvFileError as exc:
        raise fail(str(exc)) from None

    async def main() -> ImportReport:
        # The import does not search: an empty index instead of loading every stored row.
        runtime = await bootstrap(settings, matcher=MatchIndex())
        services = runtime.services
        try:
            label = f"Checking {kind}" if dry_run else f"Importing {kind}"
            with typer.progressbar(length=table.total, label=label, file=sys.stderr) as bar:
                report = await importer(services, table, progress=bar.update, dry_run=dry_run)
            if not dry_run:
                await _embed(services)
            return report
        finally:
            await runtime.close()

    report = run_async(main, settings)
    for line, problem in report.errors:
        typer.echo(f"line {line}: {problem}", err=True)
    verb = "would be imported" if dry_run else "imported"
    typer.echo(
        f"{report.imported} {kind} {verb} ({report.created} new, {report.updated} updated), "
        f"{len(report.errors)} rows skipped"
        + (" (dry run: nothing was written)" if dry_run else "")
    )
    if report.errors:
        raise typer.Exit(SKIPPED_EXIT)


async def _embed(services: Services) -> None:
    """Make the vectors of what was imported, in batches, with a progress bar.

    Each batch commits on its own: after Ctrl-C the rows imported so far are complete and
    searchable by their words, and the running bot makes the remaining vectors.
    """
    from turn.embedding import embed_pending
    from turn.search_index import encoder_for

    encoder = encoder_for(services.settings)
    if encoder is None:
        return
    async with services.uow() as uow:
        todo = await uow.matching.count_unembedded(encoder.name)
    if not todo:
        return
    with typer.progressbar(length=todo, label="Making vectors", file=sys.stderr) as bar:
        await embed_pending(services.uow, encoder, progress=bar.update)


def import_signals_command(
    file: FileArg, db: DbOption = None, dry_run: DryRunOption = False
) -> None:
    """Import signals: columns ref,text and optional theme,created_at.

    Exit code 3 when any row was skipped (each is reported with its line number).
    """
    _import("signals", file, db, dry_run)


def import_studies_command(
    file: FileArg, db: DbOption = None, dry_run: DryRunOption = False
) -> None:
    """Import studies: columns ref,title and optional summary,year,source,url.

    Exit code 3 when any row was skipped (each is reported with its line number).
    """
    _import("studies", file, db, dry_run)


#: Characters of a query that are searched with; the chat's form allows no longer text either.
MAX_QUERY = 10_000


def similar_command(
    text: Annotated[str | None, typer.Argument(help="The text to search with")] = None,
    kind: Annotated[str, typer.Option("--kind", help="signals or studies")] = "signals",
    limit: Annotated[int, typer.Option("--limit", min=1, max=100)] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON list per query")] = False,
    stdin: Annotated[
        bool, typer.Option("--stdin", help="Read one text per line from stdin")
    ] = False,
    db: DbOption = None,
) -> None:
    """Find the signals or studies most similar to a text."""
    from bot.bootstrap import bootstrap

    if kind not in ("signals", "studies"):
        raise fail("--kind must be signals or studies", 2)
    if stdin == (text is not None):
        raise fail("give a TEXT or --stdin (one text per line)", 2)
    queries = stdin_lines(sys.stdin) if stdin else [clean(text or "")]
    settings = settings_for(db)

    async def main() -> list[list[dict[str, object]]]:
        runtime = await bootstrap(settings)
        index = runtime.services.matcher
        await runtime.close()
        doc_kind = "signal" if kind == "signals" else "study"
        return [
            [
                {
                    "kind": m.kind,
                    "ref": m.ref,
                    "title": m.title,
                    "score": m.score,
                    "duplicate": m.duplicate,
                }
                for m in index.search(query[:MAX_QUERY], kind=doc_kind, limit=limit)
            ]
            for query in queries
        ]

    results = run_async(main, settings)
    for query, matches in zip(queries, results, strict=True):
        if as_json:
            typer.echo(json.dumps(matches, ensure_ascii=False))
            continue
        typer.echo(f"# {query[:80]}")
        if not matches:
            typer.echo("  (no matches)")
        for m in matches:
            flag = "  duplicate" if m["duplicate"] else ""
            typer.echo(f"  {m['score']:5.1f}  {m['ref']}  {m['title']}{flag}")
