"""Does the bot keep answering while vectors are made? Query latency beside a vector job.

Run from the repository root (~1 min)::

    python benchmarks/encoder_threads.py                # 5,000 signals, 60 queries per case
    python benchmarks/encoder_threads.py --size 20000

This process is "the bot": a fused index (one encoder thread, as ``serve`` runs it) answering
queries as a handler does (the query's vector in a worker thread, then the search). Beside it,
another process makes vectors without pause, as ``signaalbot import`` would: with one encoder
thread, with every core, and with every core at a lower priority (``E5Encoder(background=True)``,
what the import uses).
Printed: p50 / p95 of a whole query, per case, and the machine's load.

Why a second process and not a thread: the import is its own process; what it takes from the
bot is cores, which is what this measures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.matching_speed import make_signal  # noqa: E402
from matching import Document, E5Encoder, MatchIndex  # noqa: E402

#: The vector job: encode batches of 32 texts until killed, with argv[1] threads.
JOB = """
import random, sys
sys.path.insert(0, sys.argv[2])
from benchmarks.matching_speed import make_signal
from matching import E5Encoder
encoder = E5Encoder(threads=int(sys.argv[1]), background=sys.argv[3] == "background")
rng = random.Random(7)
texts = [make_signal(rng) for _ in range(32)]
print("ready", flush=True)
while True:
    encoder.encode(texts)
"""


async def latencies(index: MatchIndex, queries: Sequence[str]) -> list[float]:
    """Milliseconds per query, as a handler runs it (the vector in a worker thread)."""
    out: list[float] = []
    for query in queries:
        start = time.perf_counter()
        vector = await asyncio.to_thread(index.encode_query, query)
        index.search(query, "signal", limit=3, vector=vector)
        out.append((time.perf_counter() - start) * 1000)
    return out


def case(
    name: str, index: MatchIndex, queries: Sequence[str], threads: int | None, how: str = "normal"
) -> None:
    job = None
    if threads is not None:
        job = subprocess.Popen(
            [sys.executable, "-c", JOB, str(threads), str(ROOT), how],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert job.stdout is not None and job.stdout.readline().strip() == "ready"
        time.sleep(1.0)  # the job is at full speed
    try:
        ms = sorted(asyncio.run(latencies(index, queries)))
    finally:
        if job is not None:
            job.kill()
            job.wait()
    p95 = ms[int(len(ms) * 0.95) - 1]
    load = os.getloadavg()[0]
    print(f"| {name} | {statistics.median(ms):.0f} / {p95:.0f} ms | {load:.1f} |", flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=5_000)
    parser.add_argument("--queries", type=int, default=60)
    args = parser.parse_args(argv)
    print(f"uptime: {os.popen('uptime').read().strip()}; cores: {os.cpu_count()}")
    rng = random.Random(20240601)
    index = MatchIndex(encoder=E5Encoder(threads=1))
    index.add_many(Document("signal", f"S-{i}", "", make_signal(rng)) for i in range(args.size))
    queries = [make_signal(rng) for _ in range(args.queries)]
    asyncio.run(latencies(index, queries[:5]))  # warm: model pages, caches
    cores = len(os.sched_getaffinity(0))
    print("| beside the bot | query p50 / p95 (encoder included) | load (1 min) |")
    print("|---|---|---|")
    case("nothing", index, queries, None)
    case("a vector job with 1 encoder thread", index, queries, 1)
    case(f"a vector job with every core ({cores} threads)", index, queries, cores)
    case(
        f"a vector job with every core ({cores} threads) in the background (the bulk default)",
        index,
        queries,
        cores,
        "background",
    )


if __name__ == "__main__":
    main()
