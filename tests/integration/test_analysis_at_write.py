"""What the bot writes carries its analysis into storage, in the writer's own transaction.

A signal reported through the real pipeline, the reporter's addition to it, and a study added in
the chat: right after the commit the row holds the analysis of exactly that text (another
engine, i.e. another instance's connection, reads it), and another process that loads the index
analyses none of them. An edited text loses its vector, which queues it for a new one. On
SQLite and PostgreSQL; real runtime, real index, nothing faked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.bootstrap import Runtime
from kernel.core import Action, Form, Reply, Submit
from matching import Document
from storage.db import Database
from storage.repositories.imports import ImportedSignal
from storage.repositories.matching import Searchable
from storage.uow import unit_of_work
from tests.helpers import person, say
from tests.unit.handlers.util import report_new_signal, report_signal, with_role
from turn.index_sync import document

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Steeds meer ouderen wachten lang op een traplift via de Wmo."
AGAIN = "Ouderen wachten erg lang op een traplift via de Wmo, ook in Strijp."
STUDY = {
    "title": "Rondkomen in Eindhoven",
    "summary": "Hoeveel huishoudens komen niet rond en wie gaat naar de voedselbank.",
    "url": "https://example.org/rondkomen",
    "year": "2026",
    "source": "Gemeente Eindhoven",
    "status": "finished",
}
#: Another process: loads the index as `signaalbot similar` does, counting what it analyses.
LOADER = """
import asyncio, json, sys
from kernel.settings import Settings
from matching import MatchIndex
from storage.db import Database
from storage.uow import unit_of_work
from turn.search_index import load_index

analysed = []
prepare = MatchIndex.prepare

def counting(self, doc):
    analysed.append(f"{doc.kind}:{doc.ref}")
    return prepare(self, doc)

MatchIndex.prepare = counting

async def main():
    settings = Settings(database_url=sys.argv[1], matching_semantic=False, _env_file=None)
    db = Database(settings.database_url)
    try:
        sync = await load_index(lambda: unit_of_work(db), settings)
        found = [f"{m.kind}:{m.ref}" for m in sync.index.search(sys.argv[2], "signal")]
        found += [f"{m.kind}:{m.ref}" for m in sync.index.search(sys.argv[2], "study")]
        print(json.dumps({"analysed": analysed, "found": found}))
    finally:
        await db.dispose()

asyncio.run(main())
"""


async def committed(url: str, kind: str, ref: str) -> Searchable:
    """The row as another instance reads it: its own engine, a new transaction."""
    db = Database(url)
    try:
        async with unit_of_work(db) as uow:
            [row] = await uow.matching.searchable(kind, [ref])
        return row
    finally:
        await db.dispose()


def assert_analysis_of(runtime: Runtime, row: Searchable) -> Document:
    """The stored analysis is valid for the row's text and equals a fresh one."""
    index = runtime.services.matcher
    doc = document(row)
    assert row.analysis is not None, f"{row.kind} {row.ref} has no stored analysis"
    assert index.unpack(doc, row.analysis) == index.prepare(doc)
    return doc


def another_process(url: str, query: str) -> dict[str, list[str]]:
    shown = subprocess.run(
        [sys.executable, "-c", LOADER, url, query],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "SIGNAALBOT_LOG_LEVEL": "warning"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, list[str]] = json.loads(shown.stdout.splitlines()[-1])
    return result


def form_of(replies: list[Reply]) -> Form:
    [form] = [b for r in replies for b in r.blocks if isinstance(b, Form)]
    return form


async def test_a_signal_and_a_study_from_the_chat_are_stored_with_their_analysis(
    runtime: Runtime, db_url: str
) -> None:
    bot = runtime.bot
    await report_new_signal(bot, person("anna"), TEXT)
    assert_analysis_of(runtime, await committed(db_url, "signal", "S-2026-0001"))

    desk = await with_role(bot, "dana", "research_desk")
    form = form_of(await say(bot, desk, "onderzoek toevoegen"))
    await bot.handle(desk, Submit(form_id=form.form_id, values=STUDY))
    assert_analysis_of(runtime, await committed(db_url, "study", "O-2026-0001"))

    seen = another_process(db_url, "ouderen wachten op een traplift, en wie komt niet rond")
    assert "signal:S-2026-0001" in seen["found"] and "study:O-2026-0001" in seen["found"]
    assert seen["analysed"] == [], "the other process analysed again what the bot had stored"


async def test_an_addition_stores_the_new_analysis_and_queues_a_new_vector(
    runtime: Runtime, db_url: str
) -> None:
    bot = runtime.bot
    anna = person("anna")
    await report_signal(bot, anna, TEXT)
    await runtime.index_jobs.run_once()  # the vector of the first text
    before = await committed(db_url, "signal", "S-2026-0001")
    assert before.vector is not None

    await report_signal(bot, anna, AGAIN)
    await bot.handle(anna, Action(action_id="signal.match.support", value="S-2026-0001"))
    await bot.handle(anna, Action(action_id="signal.match.add_to_own", value="S-2026-0001"))

    after = await committed(db_url, "signal", "S-2026-0001")
    assert after.text.endswith(AGAIN)
    doc = assert_analysis_of(runtime, after)
    assert after.vector is None and after.vector_model is None, "the old text's vector was kept"
    assert runtime.services.matcher.get("signal", "S-2026-0001") == doc
    await runtime.index_jobs.run_once()
    again = await committed(db_url, "signal", "S-2026-0001")
    assert again.vector is not None and again.vector != before.vector
    assert runtime.services.matcher.has_vector("signal", "S-2026-0001")


async def test_a_reimport_keeps_the_vector_of_an_unchanged_text_only(runtime: Runtime) -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    rows = [ImportedSignal(ref="A-1", text=TEXT), ImportedSignal(ref="A-2", text=AGAIN)]
    async with runtime.services.uow() as uow:
        await uow.imports.signals(rows, now)
        await uow.commit()
    await runtime.index_jobs.run_once()
    async with runtime.services.uow() as uow:
        await uow.imports.signals(
            [ImportedSignal(ref="A-1", text=TEXT), ImportedSignal(ref="A-2", text=TEXT)], now
        )
        await uow.commit()
        stored = {r.ref: r for r in await uow.matching.searchable("signal", ["A-1", "A-2"])}
    assert stored["A-1"].vector is not None, "an unchanged text lost its vector"
    assert stored["A-2"].vector is None and stored["A-2"].vector_model is None
