"""Stored analyses and the chunked import: what start-up reads, what a stop or Ctrl-C leaves.

Why: start-up with 100,000 signals reads each text's stored analysis instead of analysing it
again, so a stored analysis must never give other results than a fresh one — not after a
lexicon change, not after a text was edited by another writer. An import is stored in chunks of
one transaction each, so stopping it leaves whole chunks, and running it again completes it.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import make_url

from bot.bootstrap import Runtime
from bot.importing import import_signals
from matching import Analyzer, MatchIndex, load_lexicon
from turn.index_sync import IndexSync, signal_document

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from bot.cli import main; main()"]

WHO = ["Jongeren", "Ouderen", "Statushouders", "Mantelzorgers", "Gezinnen met kinderen"]
WHAT = [
    "wachten maanden op jeugdhulp",
    "raken in de schulden door de energierekening",
    "vinden de weg naar de schuldhulpverlening niet",
    "zijn eenzaam sinds het buurthuis dicht is",
    "krijgen geen WMO-indicatie voor huishoudelijke hulp",
    "kunnen de brieven van de gemeente niet lezen",
]
WHERE = ["in Woensel", "in Stratum", "in de Bennekel", "in Strijp", "bij het wijkteam"]
SINCE = ["sinds de zomer", "al een jaar", "sinds kort", "steeds vaker", ""]
QUERIES = [
    "jongeren wachten lang op jeugdzorg",
    "laaggeletterde ouderen begrijpen de brieven niet",
    "schulden door hoge energiekosten in Woensel",
    "eenzaamheid bij ouderen in Stratum",
    "WMO huishoudelijke hulp wachtlijst",
]


@pytest.fixture
def runtime_overrides() -> dict[str, object]:
    return {"matching_semantic": False}


def texts(n: int, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [
        (
            f"T-{i}",
            f"{rng.choice(WHO)} {rng.choice(WHAT)} {rng.choice(WHERE)} {rng.choice(SINCE)}".strip(),
        )
        for i in range(n)
    ]


def write_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["ref", "text"])
        writer.writerows(rows)
    return path


class Counting(MatchIndex):
    """An index that counts how many texts it had to analyse."""

    analysed = 0

    def prepare(self, doc):  # type: ignore[no-untyped-def]
        self.analysed += 1
        return super().prepare(doc)


def fresh(rows: list[tuple[str, str]], analyzer: Analyzer | None = None) -> MatchIndex:
    index = MatchIndex(analyzer)
    for ref, text in rows:
        index.add(signal_document(ref, text))
    return index


async def stored_analyses(runtime: Runtime) -> list[bytes | None]:
    database = make_url(runtime.settings.database_url).database
    assert database is not None
    with sqlite3.connect(database) as conn:
        return [blob for (blob,) in conn.execute("SELECT analysis FROM signal ORDER BY id")]


async def test_start_up_reads_stored_analyses_and_finds_what_a_fresh_index_finds(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    rows = texts(120)
    report = await import_signals(sqlite_runtime.services, write_csv(tmp_path / "s.csv", rows))
    assert report.created == 120
    key = sqlite_runtime.services.matcher.analysis_key
    assert all(
        blob is not None and blob[:8] == key for blob in await stored_analyses(sqlite_runtime)
    )

    loaded = Counting()
    await IndexSync(sqlite_runtime.services.uow, loaded).load()
    assert loaded.analysed == 0  # every text's analysis was read, none made again
    reference = fresh(rows)
    for query in QUERIES + [text for _, text in rows[:10]]:
        assert loaded.search(query, limit=10) == reference.search(query, limit=10), query


async def test_another_lexicon_or_an_edited_text_is_analysed_again_not_read(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    rows = texts(80)
    await import_signals(sqlite_runtime.services, write_csv(tmp_path / "s.csv", rows))
    lexicon = load_lexicon()
    other = replace(lexicon, abbreviations={**lexicon.abbreviations, "ehbo": "eerste hulp"})

    changed = Counting(Analyzer(other))
    assert changed.analysis_key != sqlite_runtime.services.matcher.analysis_key
    await IndexSync(sqlite_runtime.services.uow, changed).load()
    assert changed.analysed == 80  # the stored analyses belong to the old lexicon
    assert all(
        b is not None and b[:8] == changed.analysis_key
        for b in await stored_analyses(sqlite_runtime)
    )
    reference = fresh(rows, Analyzer(other))
    for query in QUERIES:
        assert changed.search(query, limit=10) == reference.search(query, limit=10), query

    # The new ones were stored: the next start with that lexicon reads them.
    again = Counting(Analyzer(other))
    await IndexSync(sqlite_runtime.services.uow, again).load()
    assert again.analysed == 0

    # A text changed by another writer (its stored analysis is of the old text) is redone.
    async with sqlite_runtime.services.uow() as uow:
        signal_row = await uow.signals.get_by_ref("T-3")
        assert signal_row is not None
        await uow.signals.set_text(
            signal_row.id,
            "Buurtbewoners klagen over zwerfafval bij de speeltuin",
            signal_row.created_at,
        )
        await uow.commit()
    edited = Counting(Analyzer(other))
    await IndexSync(sqlite_runtime.services.uow, edited).load()
    assert edited.analysed == 1
    assert edited.search("zwerfafval bij de speeltuin", limit=1)[0].ref == "T-3"


async def test_an_import_stopped_between_chunks_leaves_whole_chunks_and_a_rerun_completes(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    rows = texts(2500)
    path = write_csv(tmp_path / "s.csv", rows)
    asked = 0

    def stop() -> bool:
        nonlocal asked
        asked += 1
        return asked > 1  # let the first chunk through, then stop

    services = sqlite_runtime.services
    first = await import_signals(services, path, stop=stop)
    assert first.stopped
    assert (first.created, first.updated) == (1000, 0)
    async with services.uow() as uow:
        assert await uow.signals.count() == 1000

    second = await import_signals(services, path)
    assert not second.stopped
    assert (second.created, second.updated) == (1500, 1000)
    async with services.uow() as uow:
        assert await uow.signals.count() == 2500
        assert (await uow.signals.get_by_ref("T-2499")) is not None


def _count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        try:
            return int(conn.execute("SELECT count(*) FROM signal").fetchone()[0])
        except sqlite3.OperationalError:
            return 0  # not migrated yet


@pytest.fixture
def big_file(tmp_path: Path) -> Iterator[Path]:
    yield write_csv(tmp_path / "groot.csv", texts(12_000, seed=11))


def test_ctrl_c_stops_after_a_whole_chunk_and_running_again_completes(
    tmp_path: Path, big_file: Path
) -> None:
    db_file = tmp_path / "import.db"
    url = f"sqlite:///{db_file}"
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        SIGNAALBOT_LOG_LEVEL="warning",
        SIGNAALBOT_MATCHING_SEMANTIC="false",
    )
    process = subprocess.Popen(
        [*CLI, "import", "signals", str(big_file), "--db", url],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 180
    while _count(db_file) < 1000 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=180)
    assert process.returncode == 130, (out, err)
    stored = _count(db_file)
    assert 1000 <= stored < 12_000
    assert stored % 1000 == 0  # whole chunks only
    assert f"Stopped (Ctrl-C) after {stored} rows" in err
    assert "run the same command again" in err.lower()

    again = subprocess.run(
        [*CLI, "import", "signals", str(big_file), "--db", url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert f"12000 signals imported ({12_000 - stored} new, {stored} updated)" in again.stdout
    assert _count(db_file) == 12_000
