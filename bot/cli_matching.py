"""`signaalbot import signals|studies FILE.csv` and `signaalbot similar …`.

The output of ``similar --json`` is a contract used by scripts: per query one line holding a
JSON list of ``{"kind","ref","title","score","duplicate"}``, best first.

``import`` exits 0 when every row was imported, 3 when any row was skipped (each one is reported
with its line number on stderr), 1 when the file cannot be used at all, 130 when Ctrl-C stopped
it before every row was stored (what is stored is whole chunks; running it again is safe). ``--dry-run`` reads and
checks everything inside a transaction that is rolled back.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli import DbOption, fail, run_async, settings_for
from kernel.text import clean, stdin_lines

if TYPE_CHECKING:
    from kernel.settings import Settings
    from matching import MatchIndex
    from turn.context import Services


def register(app: typer.Typer) -> None:
    import_app = typer.Typer(
        help="Import signals or studies from a CSV file.", no_args_is_help=True
    )
    app.add_typer(import_app, name="import")
    import_app.command("signals")(import_signals_command)
    import_app.command("studies")(import_studies_command)
    app.command("similar")(similar_command)
    app.command("vectors")(vectors_command)


FileArg = Annotated[Path, typer.Argument(help="CSV file: UTF-8 or cp1252, ',' or ';', header row")]
DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help="Check every row and show the counts; write nothing"),
]
SKIPPED_EXIT = 3
#: Exit code after Ctrl-C, as a shell gives it for SIGINT (128 + 2).
INTERRUPTED_EXIT = 130


def _import(kind: str, file: Path, db: str | None, dry_run: bool) -> None:
    """Exit 0 when every row was imported, 3 when any was skipped, 1 when the file is unusable.

    The file is read row by row and stored in chunks of one transaction each (bounded memory at
    a million rows). The first Ctrl-C stops after the chunk being stored, so the database holds
    whole chunks only; re-running the same file is safe, because rows are imported by ref.
    """
    from bot.bootstrap import bootstrap
    from bot.csv_import import CsvFileError, open_table
    from bot.importing import (
        CHUNK,
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
        stream = open_table(file, SIGNAL_COLUMNS if kind == "signals" else STUDY_COLUMNS)
    except CsvFileError as exc:
        raise fail(str(exc)) from None
    interrupted = asyncio.Event()

    async def main() -> ImportReport:
        # The import does not search: an empty index instead of loading every stored row.
        runtime = await bootstrap(settings, matcher=MatchIndex())
        services = runtime.services
        loop = asyncio.get_running_loop()

        def on_ctrl_c() -> None:
            interrupted.set()  # stop after this chunk; a second Ctrl-C stops at once
            loop.remove_signal_handler(signal.SIGINT)

        loop.add_signal_handler(signal.SIGINT, on_ctrl_c)
        try:
            label = f"Checking {kind}" if dry_run else f"Importing {kind}"
            with typer.progressbar(
                length=max(stream.estimated_rows, 1), label=label, file=sys.stderr
            ) as bar:
                report = await importer(
                    services, stream, progress=bar.update, dry_run=dry_run, stop=interrupted.is_set
                )
            if not dry_run and not report.stopped:
                await _embed(services, interrupted.is_set)
                if interrupted.is_set():
                    typer.echo(
                        "Stopped (Ctrl-C) while making vectors: every row is stored and "
                        "searchable by its words; the bot makes the remaining vectors.",
                        err=True,
                    )
            return report
        finally:
            loop.remove_signal_handler(signal.SIGINT)
            await runtime.close()

    try:
        report = run_async(main, settings)
    except CsvFileError as exc:
        raise fail(str(exc)) from None
    for line, problem in report.errors:
        typer.echo(f"line {line}: {problem}", err=True)
    verb = "would be imported" if dry_run else "imported"
    typer.echo(
        f"{report.imported} {kind} {verb} ({report.created} new, {report.updated} updated), "
        f"{len(report.errors)} rows skipped"
        + (" (dry run: nothing was written)" if dry_run else "")
    )
    if report.stopped:
        typer.echo(
            f"Stopped (Ctrl-C) after {report.imported} rows, stored in whole chunks of "
            f"{CHUNK}; nothing is half written. Run the same command again to import the "
            "rest: rows are imported by ref, so the rows already stored are updated, not doubled.",
            err=True,
        )
        raise typer.Exit(INTERRUPTED_EXIT)
    if report.errors:
        raise typer.Exit(SKIPPED_EXIT)


async def _embed(services: Services, stop: Callable[[], bool]) -> int:
    """Make every missing vector, in batches, with a progress bar; returns how many.

    Each batch commits on its own: after Ctrl-C the rows imported so far are complete and
    searchable by their words, and the running bot makes the remaining vectors. The encoder is
    the bulk one (every core, at a lower priority: :func:`turn.search_index.encoder_for`).
    """
    from turn.embedding import embed_pending
    from turn.search_index import encoder_for

    encoder = encoder_for(services.settings, bulk=True)
    if encoder is None:
        return 0
    async with services.uow() as uow:
        todo = await uow.matching.count_unembedded(encoder.name)
    if not todo:
        return 0
    with typer.progressbar(length=todo, label="Making vectors", file=sys.stderr) as bar:
        return await embed_pending(services.uow, encoder, progress=bar.update, stop=stop)


def vectors_command(db: DbOption = None) -> None:
    """Make the missing sentence vectors now, on every core (SIGNAALBOT_MATCHING_BULK_THREADS).

    The running bot makes them too, on one core, 64 a round: this is for a backlog, e.g. after
    importing with the semantic layer off or after a new encoder. Safe beside a running bot
    (each batch commits on its own; Ctrl-C stops after the batch, exit code 130).
    """
    from bot.bootstrap import bootstrap
    from matching import MatchIndex

    settings = settings_for(db)
    if not settings.matching_semantic:
        raise fail("SIGNAALBOT_MATCHING_SEMANTIC is false: there are no vectors to make", 2)
    interrupted = asyncio.Event()

    async def main() -> int:
        # Making vectors searches nothing: an empty index instead of loading every row.
        runtime = await bootstrap(settings, matcher=MatchIndex())
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGINT, interrupted.set)
        try:
            return await _embed(runtime.services, interrupted.is_set)
        finally:
            loop.remove_signal_handler(signal.SIGINT)
            await runtime.close()

    made = run_async(main, settings)
    typer.echo(f"{made} vectors made")
    if interrupted.is_set():
        typer.echo("Stopped (Ctrl-C): run it again for the rest, or let the bot make them.")
        raise typer.Exit(INTERRUPTED_EXIT)


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
    if kind not in ("signals", "studies"):
        raise fail("--kind must be signals or studies", 2)
    if stdin == (text is not None):
        raise fail("give a TEXT or --stdin (one text per line)", 2)
    queries = stdin_lines(sys.stdin) if stdin else [clean(text or "")]
    settings = settings_for(db)

    async def main() -> list[list[dict[str, object]]]:
        index = await _load_index(settings)
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


async def _load_index(settings: Settings) -> MatchIndex:
    """The index as the bot builds it, without the rest of the bot.

    Why not :func:`bot.bootstrap.bootstrap`: a search needs the schema, the database and the
    index; the platform adapters (Teams, Slack) and the scheduler cost ~1 s and ~90 MB to import,
    a third of the time and memory ``similar`` may take at 100,000 signals.
    """
    from storage.db import Database, ensure_schema
    from storage.uow import unit_of_work
    from turn.search_index import load_index

    await asyncio.to_thread(ensure_schema, settings.database_url)
    database = Database(settings.database_url)
    try:
        sync = await load_index(lambda: unit_of_work(database), settings)
    finally:
        await database.dispose()
    return sync.index
