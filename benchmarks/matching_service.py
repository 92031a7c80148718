"""The matching service end to end: import, making vectors, `signaalbot similar` start-up, RSS.

Run from the repository root (SQLite in a temporary folder, ~5 min at 100k)::

    python benchmarks/matching_service.py                    # 100k signals
    python benchmarks/matching_service.py --size 20000 --embed 1000

Steps, each timed as a person would see it (real ``signaalbot`` processes):

1. ``signaalbot import signals`` of ``--size`` synthetic signals with
   ``SIGNAALBOT_MATCHING_SEMANTIC=false`` (rows only);
2. making vectors for ``--embed`` of them with the real encoder (``embed_pending``, the code
   the import and the bot use): signals per second;
3. the other rows get those same real vectors again, cycled (making 100k for real takes ~35
   minutes at the rate of step 2; start-up and memory depend on how many vectors there are, not
   on their values) — said so in the output;
4. ``signaalbot similar TEXT --json`` with the semantic layer on and off: wall time of the whole
   process (start-up + loading the index + the first query) and its peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.matching_speed import make_signal  # noqa: E402
from matching import E5Encoder  # noqa: E402
from storage.db import Database, upgrade  # noqa: E402
from storage.uow import unit_of_work  # noqa: E402
from turn.embedding import embed_pending  # noqa: E402

CLI = [sys.executable, "-c", "from bot.cli import main; main()"]
QUERY = "Jongeren in Woensel wachten maanden op jeugdhulp en de problemen thuis lopen op"


def run_cli(args: Sequence[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, stdout) of one `signaalbot` process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [*CLI, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    out = process.stdout.read().decode() if process.stdout else ""
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        raise RuntimeError(f"{args[0]} failed: {out[:500]}")
    return seconds, usage.ru_maxrss / 1024, out


async def embed(url: str, count: int) -> tuple[float, int]:
    db = Database(url)
    try:
        encoder = E5Encoder()
        start = time.perf_counter()
        done = await embed_pending(lambda: unit_of_work(db), encoder, limit=count)
        return time.perf_counter() - start, done
    finally:
        await db.dispose()


def cycle_vectors(path: Path) -> int:
    """Give every row without a vector one of the real vectors made in step 2."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        real = conn.execute(
            "SELECT vector, vector_model FROM signal WHERE vector IS NOT NULL"
        ).fetchall()
        missing = [r for (r,) in conn.execute("SELECT id FROM signal WHERE vector IS NULL")]
        conn.executemany(
            "UPDATE signal SET vector = ?, vector_model = ? WHERE id = ?",
            [(*real[i % len(real)], row_id) for i, row_id in enumerate(missing)],
        )
        conn.execute("DELETE FROM index_change")  # the copies are not news for anyone
        conn.commit()
        return len(missing)
    finally:
        conn.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--embed", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db_path = folder / "bench.db"
        url = f"sqlite:///{db_path}"
        upgrade(url)
        csv_path = folder / "signals.csv"
        with csv_path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["ref", "text"])
            for i in range(args.size):
                writer.writerow([f"B-{i}", make_signal(rng)])
        env = dict(os.environ, PYTHONPATH=str(ROOT), SIGNAALBOT_LOG_LEVEL="warning")
        lexical_env = dict(env, SIGNAALBOT_MATCHING_SEMANTIC="false")
        seconds, rss, _ = run_cli(["import", "signals", str(csv_path), "--db", url], lexical_env)
        print(
            f"| import {args.size:,} signals, semantic off | {seconds:.1f} s "
            f"({args.size / seconds:.0f}/s) | {rss:.0f} MB |",
            flush=True,
        )
        seconds, done = asyncio.run(embed(url, args.embed))
        print(
            f"| making vectors, {done:,} signals in batches of 32 | {seconds:.1f} s "
            f"({done / seconds:.0f}/s) | |",
            flush=True,
        )
        copied = cycle_vectors(db_path)
        print(f"| (the other {copied:,} rows get those real vectors again, cycled) | | |")
        for name, run_env in (("semantic on", env), ("semantic off", lexical_env)):
            seconds, rss, out = run_cli(["similar", QUERY, "--json", "--db", url], run_env)
            assert out.startswith("[{"), out[:200]
            print(
                f"| `signaalbot similar` at {args.size:,} stored, {name}: start-up + first "
                f"query | {seconds:.2f} s | {rss:.0f} MB |",
                flush=True,
            )


if __name__ == "__main__":
    main()
