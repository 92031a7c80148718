"""What the index's idle round costs with N signals stored, all with vectors (issue 15).

Every instance runs :meth:`turn.index_jobs.IndexJobs.run_once` every second. Looking for rows
without a vector is a scan of the signal table when none is missing; the round now looks only
at its first run and after the change log moved. Measured here, per round (CPU of the whole
process, the driver's thread included, and wall time):

- *look*: one look for rows without a vector (``embed_pending``, nothing to make), which
  every round did before;
- *idle round*: ``run_once`` when nothing changed (no look: only the change-log poll).

Rows are written with bulk inserts (texts, refs, a vector blob of the encoder's size) and the
change-log position is read, so the round starts where a loaded instance would.

Run:  PYTHONPATH=. python benchmarks/index_round.py [--n 100000] [--rounds 20] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import insert

from benchmarks.slack_ack import drop, postgres_db
from kernel.logging import configure_logging
from storage.db import Database, upgrade
from storage.models import SignalRow
from storage.uow import unit_of_work
from turn.embedding import embed_pending
from turn.index_jobs import IndexJobs
from turn.index_sync import IndexSync
from turn.search_index import new_index

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DIM = 384  # multilingual-e5-small


class StoredEncoder:
    """Stands in for the encoder whose vectors are stored; never asked to encode here."""

    name = "benchmark-encoder"
    dim = DIM

    def encode(self, texts: Sequence[str], *, query: bool = False) -> NDArray[np.float32]:
        raise AssertionError("every row has a vector: nothing to encode")


async def fill(db: Database, n: int) -> None:
    blob = np.ones(DIM, dtype=np.float32).tobytes()
    for start in range(0, n, 5000):
        rows = [
            {
                "ref": f"S-B-{i}",
                "text": f"Signaal {i}: inwoners wachten lang op hulp bij schulden in wijk {i % 97}",
                "created_at": NOW,
                "updated_at": NOW,
                "vector": blob,
                "vector_model": StoredEncoder.name,
            }
            for i in range(start, min(n, start + 5000))
        ]
        async with unit_of_work(db) as uow:
            await uow._session.execute(insert(SignalRow), rows)
            await uow.commit()


def timed(samples: list[tuple[float, float]]) -> str:
    cpu = statistics.median(c for c, _ in samples)
    wall = statistics.median(w for _, w in samples)
    return f"{1000 * cpu:.1f} / {1000 * wall:.1f}"


async def measure(url: str, n: int, rounds: int) -> tuple[str, str]:
    upgrade(url)
    db = Database(url)
    try:
        await fill(db, n)
        sync = IndexSync(lambda: unit_of_work(db), new_index(0, StoredEncoder()))
        async with unit_of_work(db) as uow:
            sync.generation = await uow.matching.last_change()
        jobs = IndexJobs(sync)
        await jobs.run_once()  # the first round looks once
        looks: list[tuple[float, float]] = []
        idle: list[tuple[float, float]] = []
        for _ in range(rounds):
            cpu, wall = time.process_time(), time.perf_counter()
            made = await embed_pending(sync.uow, StoredEncoder(), limit=64)
            looks.append((time.process_time() - cpu, time.perf_counter() - wall))
            assert made == 0
            cpu, wall = time.process_time(), time.perf_counter()
            await jobs.run_once()
            idle.append((time.process_time() - cpu, time.perf_counter() - wall))
        return timed(looks), timed(idle)
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--postgres", help="also on this PostgreSQL server")
    args = parser.parse_args()
    configure_logging("console", "error")
    print("| database | signals | look: CPU / wall ms | idle round: CPU / wall ms |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'round.db'}"
        look, idle = asyncio.run(measure(url, args.n, args.rounds))
        print(f"| SQLite | {args.n} | {look} | {idle} |", flush=True)
    if args.postgres:
        pg = postgres_db(args.postgres)
        try:
            look, idle = asyncio.run(measure(pg, args.n, args.rounds))
            print(f"| PostgreSQL | {args.n} | {look} | {idle} |", flush=True)
        finally:
            drop(pg)


if __name__ == "__main__":
    main()
