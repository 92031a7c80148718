"""The matching service end to end: import, making vectors, `signaalbot similar` start-up, RSS.

Run from the repository root (SQLite in a temporary folder, ~5 min at 100k on a quiet machine)::

    python benchmarks/matching_service.py                    # 100k signals
    python benchmarks/matching_service.py --size 20000 --embed 500
    python benchmarks/matching_service.py --million          # + a CSV of 1M rows, Ctrl-C at 30 s

Steps, each timed as a person would see it (real ``signaalbot`` processes, peak RSS of each):

1. ``signaalbot import signals`` of ``--size`` synthetic signals with
   ``SIGNAALBOT_MATCHING_SEMANTIC=false`` (rows, privacy guard, stored analysis), then the same
   file again (every row an update: the import is idempotent by ref);
2. making vectors for ``--embed`` of them with the real encoder (``embed_pending``, the code
   the import and the bot use), with 1 encoder thread (the bot's default) and with the bulk
   count (``SIGNAALBOT_MATCHING_BULK_THREADS``, every core by default): signals per second;
   then ``signaalbot import signals`` of ``--embed-import`` new signals into an empty database
   with the semantic layer on, end to end (process start, model, rows, vectors): signals per
   second as a person running the import sees it;
3. the other rows get those same real vectors again, cycled (start-up and memory depend on how
   many vectors there are, not on their values) — said so in the output;
4. ``signaalbot similar TEXT --json`` with the semantic layer on and off: wall time of the whole
   process (start-up + loading the index + the first query) and its peak RSS; side by side, a
   brute-force process that reads every text and runs rapidfuzz over all of them;
5. with ``--million``: a generated CSV of 1,000,000 rows is imported and interrupted with SIGINT
   (Ctrl-C) after ``--abort-after`` seconds: exit code, rows stored (whole chunks only), peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import signal
import sqlite3
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
from kernel.settings import Settings  # noqa: E402
from matching import E5Encoder  # noqa: E402
from storage.db import Database, upgrade  # noqa: E402
from storage.uow import unit_of_work  # noqa: E402
from turn.embedding import BATCH, embed_pending  # noqa: E402
from turn.search_index import bulk_threads  # noqa: E402

CLI = [sys.executable, "-c", "from bot.cli import main; main()"]
QUERY = "Jongeren in Woensel wachten maanden op jeugdhulp en de problemen thuis lopen op"
BRUTE = """
import sqlite3, sys
from rapidfuzz import fuzz, process, utils
texts = [t for (t,) in sqlite3.connect(sys.argv[1]).execute(
    "SELECT text FROM signal WHERE merged_into_id IS NULL")]
print(process.extract(sys.argv[2], texts, scorer=fuzz.token_set_ratio,
                      processor=utils.default_process, limit=5)[0])
"""


CPU: dict[str, float] = {}


def run(
    command: Sequence[str], env: dict[str, str], interrupt_after: float | None = None
) -> tuple[float, float, str, int]:
    """(seconds, peak RSS in MB, stdout, exit code) of one process; its CPU time in CPU["last"].

    On a loaded machine the wall time is several times the CPU time (the process waits for a
    core); on a quiet one they are about equal, so both are shown.
    """
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    if interrupt_after is not None:
        time.sleep(interrupt_after)
        process.send_signal(signal.SIGINT)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    CPU["last"] = usage.ru_utime + usage.ru_stime
    out = process.stdout.read().decode() if process.stdout else ""
    return seconds, usage.ru_maxrss / 1024, out, os.waitstatus_to_exitcode(status)


def run_cli(args: Sequence[str], env: dict[str, str]) -> tuple[float, float, str]:
    seconds, rss, out, code = run([*CLI, *args], env)
    if code not in (0, 3):
        raise RuntimeError(f"{args[0]} failed ({code}): {out[:500]}")
    return seconds, rss, out


async def embed(url: str, count: int, threads: int) -> tuple[float, int]:
    db = Database(url)
    try:
        encoder = E5Encoder(threads=threads)
        start = time.perf_counter()
        done = await embed_pending(lambda: unit_of_work(db), encoder, limit=count)
        return time.perf_counter() - start, done
    finally:
        await db.dispose()


def cycle_vectors(path: Path) -> int:
    """Give every row without a vector one of the real vectors made in step 2."""
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


def write_csv(path: Path, size: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["ref", "text"])
        for i in range(size):
            writer.writerow([f"B-{i}", make_signal(rng)])


def row(*cells: object) -> None:
    print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--embed", type=int, default=1_000)
    parser.add_argument(
        "--embed-import", type=int, default=1_000, help="signals of the import with vectors"
    )
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--million", action="store_true", help="also the 1M-row CSV (step 5)")
    parser.add_argument("--abort-after", type=float, default=30.0)
    args = parser.parse_args(argv)
    print(f"uptime: {os.popen('uptime').read().strip()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db_path = folder / "bench.db"
        url = f"sqlite:///{db_path}"
        upgrade(url)
        csv_path = folder / "signals.csv"
        write_csv(csv_path, args.size, args.seed)
        env = dict(os.environ, PYTHONPATH=str(ROOT), SIGNAALBOT_LOG_LEVEL="warning")
        lexical_env = dict(env, SIGNAALBOT_MATCHING_SEMANTIC="false")
        print("| step | wall time (CPU time) | peak RSS of the process |\n|---|---|---|")
        for what in ("import", "the same file again (all updates)"):
            seconds, rss, _ = run_cli(
                ["import", "signals", str(csv_path), "--db", url], lexical_env
            )
            row(
                f"{what} {args.size:,} signals, semantic off",
                f"{seconds:.1f} s ({args.size / seconds:.0f}/s), CPU {CPU['last']:.1f} s",
                f"{rss:.0f} MB",
            )
        bulk = bulk_threads(Settings(_env_file=None))  # type: ignore[call-arg]
        for threads in sorted({1, bulk}):
            count = args.embed // 2
            seconds, done = asyncio.run(embed(url, count, threads))
            who = "the bot's default" if threads == 1 else "the import's: every core"
            row(
                f"making vectors, {done:,} signals in batches of {BATCH}, {threads} encoder "
                f"thread(s) ({who})",
                f"{seconds:.1f} s ({done / seconds:.0f}/s)",
                "",
            )
        if args.embed_import:
            import_with_vectors(folder, env, args)
        copied = cycle_vectors(db_path)
        row(f"(the other {copied:,} rows get those real vectors again, cycled)", "", "")
        for name, run_env in (("semantic on", env), ("semantic off", lexical_env)):
            for attempt in ("first", "second"):
                seconds, rss, out = run_cli(["similar", QUERY, "--json", "--db", url], run_env)
                assert out.startswith("[{"), out[:200]
                row(
                    f"`signaalbot similar` at {args.size:,} stored, {name}, {attempt} run: "
                    "start-up + first query",
                    f"{seconds:.2f} s (CPU {CPU['last']:.2f} s)",
                    f"{rss:.0f} MB",
                )
        seconds, rss, out, _ = run([sys.executable, "-c", BRUTE, str(db_path), QUERY], env)
        row(
            f"brute force: read {args.size:,} texts + rapidfuzz token_set_ratio over all",
            f"{seconds:.2f} s (CPU {CPU['last']:.2f} s)",
            f"{rss:.0f} MB",
        )
        if args.million:
            million(folder, lexical_env, args)


def import_with_vectors(folder: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    """`signaalbot import` with the semantic layer on, into an empty database, end to end."""
    small = folder / "with_vectors.csv"
    write_csv(small, args.embed_import, args.seed + 2)
    url = f"sqlite:///{folder / 'with_vectors.db'}"
    upgrade(url)
    seconds, rss, _ = run_cli(["import", "signals", str(small), "--db", url], env)
    with sqlite3.connect(folder / "with_vectors.db") as conn:
        embedded = conn.execute("SELECT count(*) FROM signal WHERE vector IS NOT NULL").fetchone()
    row(
        f"`signaalbot import` of {args.embed_import:,} new signals, semantic on (rows + "
        f"vectors, {embedded[0]:,} made), end to end",
        f"{seconds:.1f} s ({args.embed_import / seconds:.0f}/s), CPU {CPU['last']:.1f} s",
        f"{rss:.0f} MB",
    )


def million(folder: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    big = folder / "million.csv"
    write_csv(big, 1_000_000, args.seed + 1)
    db_path = folder / "million.db"
    url = f"sqlite:///{db_path}"
    upgrade(url)
    seconds, rss, _, code = run(
        [*CLI, "import", "signals", str(big), "--db", url], env, args.abort_after
    )
    with sqlite3.connect(db_path) as conn:
        stored = conn.execute("SELECT count(*) FROM signal").fetchone()[0]
    row(
        f"import of a 1,000,000-row CSV ({big.stat().st_size / 1e6:.0f} MB), Ctrl-C after "
        f"{args.abort_after:.0f} s",
        f"{seconds:.1f} s, exit {code}, {stored:,} rows stored (whole chunks: "
        f"{stored % 1000 == 0})",
        f"{rss:.0f} MB",
    )


if __name__ == "__main__":
    main()
