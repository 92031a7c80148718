"""Choose the fusion weights and the per-kind duplicate thresholds on the dev halves only.

Run from the repository root::

    python benchmarks/matching_calibrate.py

Grid over :class:`matching.FusionConfig` (lexical weight, cosine floor and ceiling); the
objective is the mean R@3 over the dev halves of both sets and both tasks, the independent set
counted twice (it is the one nobody tuned the lexicon on). Then, per kind, the lowest threshold
at which at most 10% of the pooled dev unanswerable queries are flagged. Prints the values to put
in matching/fusion.py and matching/index.py; the test halves are not read.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.matching_quality import (  # noqa: E402
    NEVER,
    Run,
    Vectors,
    calibrate,
    index_ranker,
    load_set,
    measure,
    run,
)
from matching import E5Encoder, FusionConfig, MatchIndex  # noqa: E402

WEIGHTS = {"authors": 1.0, "independent": 2.0}


def main(argv: Sequence[str] | None = None) -> None:
    vectors = Vectors(E5Encoder())
    prepared: dict[str, tuple[MatchIndex, list[Run]]] = {}
    rankers = {}
    for name in WEIGHTS:
        docs, queries = load_set(name)
        dev = [q for q in queries if q.split == "dev"]
        ranker, index = index_ranker(docs, dev, vectors, fused_thresholds=NEVER)
        index.kind_thresholds = dict(NEVER)
        rankers[name] = (ranker, index, dev)
    best: tuple[float, FusionConfig] | None = None
    grid = itertools.product((0.45, 0.55, 0.65), (0.72, 0.75), (0.93, 0.96))
    for weight, floor, ceiling in grid:
        config = FusionConfig(lexical_weight=weight, floor=floor, ceiling=ceiling)
        total = 0.0
        for name, (ranker, index, dev) in rankers.items():
            index.fusion = config
            runs = run(ranker, dev)
            prepared[name] = (index, runs)
            for task in ("signal", "study"):
                r = measure([x for x in runs if x[0].kind == task], 1e9)
                total += WEIGHTS[name] * r.recall3
        print(f"w={weight} floor={floor} ceiling={ceiling}: objective {total:.3f}", flush=True)
        if best is None or total > best[0] + 1e-9:
            best = (total, config)
    assert best is not None
    config = best[1]
    print(f"best: {config}")
    pooled: list[Run] = []
    for _name, (ranker, index, dev) in rankers.items():
        index.fusion = config
        pooled += run(ranker, dev)
    for task in ("signal", "study"):
        task_runs = [x for x in pooled if x[0].kind == task]
        t = calibrate(task_runs)
        r = measure(task_runs, t)
        print(f"{task}: threshold {t:g} flags {r.flagged:.2f}, false alarms {r.false_alarms:.2f}")
    lexical = {}
    for name in WEIGHTS:
        docs, queries = load_set(name)
        dev = [q for q in queries if q.split == "dev"]
        ranker, index = index_ranker(docs, dev, None)
        index.kind_thresholds = dict(NEVER)
        index.duplicate_threshold = 1e9
        lexical[name] = run(ranker, dev)
    for task in ("signal", "study"):
        task_runs = [x for runs in lexical.values() for x in runs if x[0].kind == task]
        t = calibrate(task_runs)
        r = measure(task_runs, t)
        print(f"lexical {task}: threshold {t:g} flags {r.flagged:.2f}, fa {r.false_alarms:.2f}")


if __name__ == "__main__":
    main()
