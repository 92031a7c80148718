"""Speed and memory of the privacy guard: per typical text, and the worst cases at 10,000+ chars.

Rerun::

    PYTHONPATH=. python benchmarks/privacy_speed.py

Typical texts are the 641 texts of both labelled sets (signals, notes, a sentence or three).
The worst cases are the inputs of tests/unit/privacy/test_privacy_worst_case.py, which only
checks that none of them backtracks; the times themselves are measured here.
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from privacy import Guard

ROOT = Path(__file__).resolve().parent.parent
SETS = (
    ROOT / "tests" / "data" / "privacy" / "privacy_set.jsonl",
    ROOT / "tests" / "data" / "privacy_independent" / "probe.jsonl",
)
WORST = ROOT / "tests" / "unit" / "privacy" / "test_privacy_worst_case.py"


def _texts() -> list[str]:
    return [
        json.loads(line)["text"]
        for path in SETS
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _worst_cases() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location("worst", WORST)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.WORST_CASES)


def main() -> int:
    guard = Guard()
    texts = _texts()
    guard.scan("warm up")
    timings = []
    for _ in range(5):
        for text in texts:
            started = time.perf_counter()
            guard.scan(text)
            timings.append(time.perf_counter() - started)
    timings.sort()
    mean_len = statistics.mean(len(t) for t in texts)
    print(f"typical texts: {len(texts)} (mean {mean_len:.0f} characters), 5 rounds")
    print(f"  mean {statistics.mean(timings) * 1e3:.3f} ms")
    print(f"  p50  {timings[len(timings) // 2] * 1e3:.3f} ms")
    print(f"  p99  {timings[int(len(timings) * 0.99)] * 1e3:.3f} ms")
    print(f"  max  {timings[-1] * 1e3:.3f} ms")
    print("worst cases (10,000+ characters):")
    slowest = 0.0
    for name, text in _worst_cases().items():
        started = time.perf_counter()
        guard.scan(text)
        elapsed = time.perf_counter() - started
        slowest = max(slowest, elapsed)
        print(f"  {name:22} {len(text):6} chars {elapsed * 1e3:8.1f} ms")
    print(f"  slowest {slowest * 1e3:.1f} ms")
    tracemalloc.start()
    fresh = Guard()
    for text in texts:
        fresh.scan(text)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"memory: guard + scanning all texts, peak {peak / 1024:.0f} KiB, kept {current / 1024:.0f} KiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
