"""Choose the fusion weights and the per-kind duplicate thresholds on the dev halves only.

Run from the repository root::

    python benchmarks/matching_calibrate.py

Grid over :class:`matching.FusionConfig` (lexical weight, cosine floor and ceiling); the
objective is the mean R@3 over the dev halves of the three sets and both tasks, the independent
and the fresh set counted twice (nobody tuned the lexicon on them). Then, per kind and for the fused and
the lexical score, the duplicate threshold: at most 10% of the dev queries without a right answer
flagged on *each* set's dev half (not pooled: the authors' easy negatives must not buy room for
the independent set's hard ones), moved up to the middle of the gap to the next right dev flag
(:func:`benchmarks.matching_quality.calibrate`). A signal hit is only flagged when both texts name
the same directions (matching.flag); the calibration sees that rule. The study show floor is the
study threshold ("shown when likely relevant"; a study whose title the text contains is raised
to the threshold). Prints the values to put in matching/fusion.py and matching/index.py; the
test halves are not read. The lexical values are printed for reference only: the shipped lexical
fallback keeps 55 / 40 (benchmarks/README.md, section Matching, says why).
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

WEIGHTS = {"authors": 1.0, "independent": 2.0, "fresh": 2.0}


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
    fused: dict[str, list[Run]] = {}
    for name, (ranker, index, dev) in rankers.items():
        index.fusion = config
        fused[name] = run(ranker, dev)
    lexical: dict[str, list[Run]] = {}
    for name in WEIGHTS:
        docs, queries = load_set(name)
        dev = [q for q in queries if q.split == "dev"]
        ranker, index = index_ranker(docs, dev, None)
        index.kind_thresholds = dict(NEVER)
        index.duplicate_threshold = 1e9
        lexical[name] = run(ranker, dev)
    for label, per in (("fused", fused), ("lexical", lexical)):
        for task in ("signal", "study"):
            by_set = {n: [x for x in runs if x[0].kind == task] for n, runs in per.items()}
            t = calibrate(list(by_set.values()))
            shown = ", ".join(
                f"{n} flags {(r := measure(runs, t)).flagged:.2f} fa {r.false_alarms:.2f}"
                for n, runs in by_set.items()
            )
            print(f"{label} {task}: threshold {t:g} ({shown})", flush=True)


if __name__ == "__main__":
    main()
