"""One index for every instance: the change log, the follower, stored vectors, two processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kernel.settings import Settings
from matching import E5Encoder, MatchIndex
from storage.db import Database, upgrade
from storage.domain import NewSignal
from storage.uow import unit_of_work
from tests.conftest import make_settings
from turn.embedding import embed_pending
from turn.index_sync import IndexSync
from turn.search_index import new_index

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
#: `signaalbot` as its console script runs it.
CLI = [sys.executable, "-c", "from bot.cli import main; main()"]


class Instance:
    """What one process has: its own engine and its own index."""

    def __init__(self, url: str, index: MatchIndex) -> None:
        self.db = Database(url)
        self.sync = IndexSync(lambda: unit_of_work(self.db), index)

    def uow(self):  # type: ignore[no-untyped-def]
        return unit_of_work(self.db)


@pytest.fixture
def encoder() -> E5Encoder:
    return E5Encoder()


async def test_a_follower_sees_signals_merges_studies_and_vectors(
    db_url: str, encoder: E5Encoder
) -> None:
    upgrade(db_url)
    writer = Instance(db_url, new_index(0))
    reader = Instance(db_url, new_index(0, encoder))
    try:
        await reader.sync.load()
        assert len(reader.sync.index) == 0
        async with writer.uow() as uow:
            first = await uow.signals.add(
                NewSignal(text="Ouderen in Stratum zijn eenzaam sinds de bibliotheek dicht is"), NOW
            )
            second = await uow.signals.add(
                NewSignal(text="Senioren in Stratum zitten alleen thuis, de bieb is gesloten"), NOW
            )
            await uow.studies.upsert(
                ref="st-1", title="Eenzaamheid onder ouderen", summary="Monitor 2024", now=NOW
            )
            await uow.commit()
        assert await reader.sync.catch_up() == 3
        index = reader.sync.index
        assert ("signal", first.ref) in index and ("study", "st-1") in index
        assert not index.has_vector("signal", first.ref)
        assert await reader.sync.catch_up() == 0

        made = await embed_pending(writer.uow, encoder)
        assert made == 3
        assert await reader.sync.catch_up() == 3
        assert index.vector_count() == 3
        hit = index.search("Eenzame ouderen in Stratum", "signal")[0]
        assert hit.semantic is not None

        async with writer.uow() as uow:
            await uow.intake.merge(second.id, first.id, NOW)
            await uow.commit()
        await reader.sync.catch_up()
        assert ("signal", second.ref) not in index
        assert ("signal", first.ref) in index

        fresh = Instance(db_url, new_index(0, encoder))
        try:
            await fresh.sync.load()
            assert len(fresh.sync.index) == 2 and fresh.sync.index.vector_count() == 2
        finally:
            await fresh.db.dispose()
    finally:
        await writer.db.dispose()
        await reader.db.dispose()


@pytest.mark.postgres
async def test_a_change_that_commits_late_is_not_lost(postgres_url: str) -> None:
    """PostgreSQL numbers a change at insert; a later number may commit first."""
    upgrade(postgres_url)
    writer = Instance(postgres_url, new_index(0))
    reader = Instance(postgres_url, new_index(0))
    try:
        await reader.sync.load()
        async with writer.uow() as slow:
            await slow.signals.add(
                NewSignal(ref="SLOW-1", text="Jongeren vallen uit op het mbo"), NOW
            )
            async with writer.uow() as fast:
                await fast.signals.add(
                    NewSignal(ref="FAST-1", text="Mantelzorgers raken overbelast"), NOW
                )
                await fast.commit()
            await reader.sync.catch_up()
            assert ("signal", "FAST-1") in reader.sync.index
            assert ("signal", "SLOW-1") not in reader.sync.index
            await slow.commit()
        await reader.sync.catch_up()
        assert ("signal", "SLOW-1") in reader.sync.index
    finally:
        await writer.db.dispose()
        await reader.db.dispose()


@pytest.fixture
def follower_env() -> Iterator[dict[str, str]]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env["SIGNAALBOT_LOG_LEVEL"] = "warning"
    yield env


def start_follower(url: str, env: dict[str, str], *wanted: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.index_follower", url, *wanted],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def wait_found(process: subprocess.Popen[str], count: int) -> list[tuple[str, float]]:
    assert process.stdout is not None
    found = []
    for _ in range(count):
        line = process.stdout.readline().strip()
        assert line.startswith("found "), line
        found.append((line.removeprefix("found "), time.monotonic()))
    assert process.wait(timeout=30) == 0
    return found


async def test_two_processes_and_a_cli_import_see_each_other_within_5_seconds(
    db_url: str, tmp_path: Path, follower_env: dict[str, str]
) -> None:
    upgrade(db_url)
    follower = start_follower(db_url, follower_env, "signal:IMP-1", "study:ST-9", "signal:BOT-1")
    try:
        csv_file = tmp_path / "signals.csv"
        csv_file.write_text(
            "ref,text\nIMP-1,Steeds meer gezinnen in Woensel melden zich bij de voedselbank\n",
            encoding="utf-8",
        )
        studies = tmp_path / "studies.csv"
        studies.write_text("ref,title,summary\nST-9,Voedselbank in beeld,Cijfers 2025\n")
        for kind, path in (("signals", csv_file), ("studies", studies)):
            subprocess.run(
                [*CLI, "import", kind, str(path), "--db", db_url],
                cwd=ROOT,
                env=follower_env,
                check=True,
                capture_output=True,
            )
        imported_at = time.monotonic()
        # and this process, another bot instance, reports one
        settings: Settings = make_settings(db_url)
        db = Database(settings.database_url)
        try:
            async with unit_of_work(db) as uow:
                await uow.signals.add(
                    NewSignal(ref="BOT-1", text="Jongeren met schulden durven geen hulp te vragen"),
                    NOW,
                )
                await uow.commit()
        finally:
            await db.dispose()
        reported_at = time.monotonic()
        found = dict(wait_found(follower, 3))
        assert found["signal:IMP-1"] - imported_at < 5.0
        assert found["study:ST-9"] - imported_at < 5.0
        assert found["signal:BOT-1"] - reported_at < 5.0
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()
