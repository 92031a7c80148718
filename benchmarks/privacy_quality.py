"""Measure the privacy guard (privacy.scan) on both labelled sets: recall and precision per kind.

Rerun::

    PYTHONPATH=. python benchmarks/privacy_quality.py [--errors] [--held-out-errors]

The same numbers come from ``signaalbot privacy scan --report``; both use privacy.quality.

* the authors' set, ``tests/data/privacy/privacy_set.jsonl`` (generated from the team's own
  templates; held out: every fifth line);
* the independent probe, ``tests/data/privacy_independent/probe.jsonl`` (written by a helper
  who saw neither the guard nor its word lists; development: odd ids, held out: even ids).

Tuning may look at development errors only; ``--held-out-errors`` exists for the final report.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from privacy import Guard
from privacy.quality import Scores, kind_table, measure

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "authors' set": ROOT / "tests" / "data" / "privacy" / "privacy_set.jsonl",
    "independent probe": ROOT / "tests" / "data" / "privacy_independent" / "probe.jsonl",
}


def measure_all(guard: Guard | None = None) -> dict[str, dict[str, Scores]]:
    guard = guard or Guard()
    return {name: measure(path, guard) for name, path in SETS.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--errors", action="store_true", help="list development errors")
    parser.add_argument("--held-out-errors", action="store_true", help="list held-out errors")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results = measure_all()
    elapsed = time.perf_counter() - started
    for name, parts in results.items():
        texts = parts["all"].texts
        print(f"\n### {name} ({texts} texts)\n")
        print(kind_table(parts))
        if args.errors:
            print("\ndevelopment errors:\n" + ("\n".join(parts["development"].errors) or "none"))
        if args.held_out_errors:
            print("\nheld-out errors:\n" + ("\n".join(parts["held-out"].errors) or "none"))
    print(f"\nscanned in {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
