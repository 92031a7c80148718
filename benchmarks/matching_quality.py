"""Quality of matching.MatchIndex on three labelled Dutch sets: lexical, semantic, fused, rapidfuzz.

Run from the repository root::

    python benchmarks/matching_quality.py                        # all three sets, dev + test
    python benchmarks/matching_quality.py --set independent --split test
    python benchmarks/matching_quality.py --calibrate            # tune fusion on the dev halves

Sets: ``authors`` = tests/data/matching (written with the lexicon), ``independent`` =
tests/data/matching_independent (written by someone who saw neither lexicon nor scorer; its test
half was read while the flag was tuned), ``fresh`` = tests/data/matching_fresh (written later by
another helper who saw neither, after the flag was chosen; nothing was tuned on it).
Systems: ``lexical`` (the index without encoder), ``semantic`` (multilingual-e5-small alone:
fusion weight 0), ``fused`` (the default: lexical + semantic) and plain rapidfuzz
``token_set_ratio``. Metrics per task (similar *signals*, relevant *studies*):

* R@1 / R@3: share of answerable queries with a right answer in the top 1 / top 3;
* MRR: mean reciprocal rank of the first right answer (0 when not in the top 10);
* flagged: share of answerable queries whose top hit is right *and* flagged duplicate;
* false alarms: share of queries without a right answer (hard negatives, unrelated texts,
  unanswerable study questions) whose top hit is flagged duplicate.

"Flagged duplicate" is the index's own rule (:attr:`matching.Match.duplicate`): the score reaches
the kind's threshold and, for fused signal hits, both texts name the same directions
(matching.flag).

The index systems use their shipped thresholds; ``semantic`` and the baseline get a threshold per
task calibrated on the dev half of the same set (:func:`calibrate`). Only dev halves are ever
used to choose anything.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from matching import Document, E5Encoder, Encoder, FusionConfig, Match, MatchIndex  # noqa: E402

SETS = {
    "authors": ROOT / "tests" / "data" / "matching",
    "independent": ROOT / "tests" / "data" / "matching_independent",
    "fresh": ROOT / "tests" / "data" / "matching_fresh",
}
STUDIES = ROOT / "config" / "studies.csv"
TOP = 10

# A ranker maps a query to [(ref, score)], best first.
Ranker = Callable[["Query"], list[tuple[str, float]]]


@dataclass(frozen=True)
class Query:
    text: str
    kind: str
    relevant: frozenset[str]
    split: str
    own_ref: str | None = None


@dataclass(frozen=True)
class Result:
    n: int
    answerable: int
    recall1: float
    recall3: float
    mrr: float
    flagged: float
    unanswerable: int
    false_alarms: float


def load_set(name: str) -> tuple[list[Document], list[Query]]:
    """Signals and studies as documents, every signal and study question as a query."""
    data = SETS[name]
    rows = list(csv.DictReader((data / "signals.csv").open(encoding="utf-8")))
    members: dict[str, list[str]] = {}
    docs: list[Document] = []
    for i, row in enumerate(rows):
        ref = f"{row['cluster']}-{i}"
        row["ref"] = ref
        members.setdefault(row["cluster"], []).append(ref)
        docs.append(Document("signal", ref, row["text"][:80], row["text"]))
    queries = [
        Query(
            text=row["text"],
            kind="signal",
            relevant=frozenset(r for r in members[row["cluster"]] if r != row["ref"]),
            split=row["split"],
            own_ref=row["ref"],
        )
        for row in rows
    ]
    docs += [
        Document("study", r["ref"], r["title"], r["summary"])
        for r in csv.DictReader(STUDIES.open(encoding="utf-8"))
    ]
    queries += [
        Query(
            text=r["query"],
            kind="study",
            relevant=frozenset(x for x in r["relevant"].split("|") if x),
            split=r["split"],
        )
        for r in csv.DictReader((data / "study_queries.csv").open(encoding="utf-8"))
    ]
    return docs, queries


class Vectors:
    """Passage vectors of documents and query vectors of queries, each text encoded once."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self._cache: dict[tuple[str, bool], np.ndarray] = {}

    def get(self, texts: Sequence[str], *, query: bool) -> list[np.ndarray]:
        todo = sorted({t for t in texts if (t, query) not in self._cache})
        for start in range(0, len(todo), 32):
            chunk = todo[start : start + 32]
            for text, vec in zip(chunk, self.encoder.encode(chunk, query=query), strict=True):
                self._cache[(text, query)] = vec
        return [self._cache[(t, query)] for t in texts]


def index_ranker(
    docs: Sequence[Document],
    queries: Sequence[Query],
    vectors: Vectors | None,
    fusion: FusionConfig | None = None,
    fused_thresholds: dict[str, float] | None = None,
) -> tuple[Ranker, MatchIndex]:
    index = MatchIndex(
        encoder=None if vectors is None else vectors.encoder,
        fusion=fusion,
        fused_thresholds=fused_thresholds,
    )
    doc_vecs = (
        vectors.get([MatchIndex.searchable_text(d) for d in docs], query=False)
        if vectors
        else [None] * len(docs)
    )
    for doc, vec in zip(docs, doc_vecs, strict=True):
        index.add(doc, vec)
    query_vecs: dict[str, np.ndarray] = {}
    if vectors is not None:
        texts = [q.text for q in queries]
        query_vecs = dict(zip(texts, vectors.get(texts, query=True), strict=True))

    def rank(q: Query) -> list[tuple[str, float]]:
        exclude = [(q.kind, q.own_ref)] if q.own_ref else []
        hits = index.search(q.text, q.kind, TOP, exclude, vector=query_vecs.get(q.text))
        return [(m.ref, flag_score(m)) for m in hits]

    return rank, index


def flag_score(m: Match) -> float:
    """What :func:`measure` compares with a threshold: >= 1000 when the index flagged the hit,
    0 when the index would never flag it (a fused hit whose texts name different directions),
    else its score.
    """
    if m.duplicate:
        return max(m.score, 1000.0)
    return m.score if m.same_direction or m.semantic is None else 0.0


def baseline_ranker(docs: Sequence[Document]) -> Ranker:
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for d in docs:
        text = d.text if d.title[:40] in d.text else f"{d.title}. {d.text}"
        by_kind.setdefault(d.kind, []).append((d.ref, utils.default_process(text)))

    def rank(q: Query) -> list[tuple[str, float]]:
        pool = by_kind.get(q.kind, [])
        refs = [r for r, _ in pool]
        hits = process.extract(
            utils.default_process(q.text),
            [t for _, t in pool],
            scorer=fuzz.token_set_ratio,
            limit=TOP + 1,
        )
        out = [(refs[i], float(s)) for _, s, i in hits if refs[i] != q.own_ref]
        return out[:TOP]

    return rank


Run = tuple[Query, list[tuple[str, float]]]


def run(rank: Ranker, queries: Sequence[Query]) -> list[Run]:
    return [(q, rank(q)) for q in queries]


def measure(runs: Sequence[Run], threshold: float) -> Result:
    """Scores >= 1000 mark hits the index itself flagged (its own thresholds)."""
    ans = [(q, r) for q, r in runs if q.relevant]
    neg = [(q, r) for q, r in runs if not q.relevant]
    r1 = r3 = rr = dup = 0.0
    for q, hits in ans:
        refs = [h[0] for h in hits]
        rank = next((i for i, ref in enumerate(refs) if ref in q.relevant), None)
        if rank is not None:
            r1 += rank == 0
            r3 += rank < 3
            rr += 1.0 / (rank + 1)
            dup += rank == 0 and hits[0][1] >= threshold
    fa = sum(1 for _, hits in neg if hits and hits[0][1] >= threshold)
    na = max(len(ans), 1)
    return Result(
        n=len(runs),
        answerable=len(ans),
        recall1=r1 / na,
        recall3=r3 / na,
        mrr=rr / na,
        flagged=dup / na,
        unanswerable=len(neg),
        false_alarms=fa / max(len(neg), 1),
    )


def calibrate(per_set: Sequence[Sequence[Run]], max_false_alarms: float = 0.10) -> float:
    """A threshold with at most ``max_false_alarms`` on *each* of the given (dev) run lists.

    First the lowest such threshold ``t0`` (steps of 0.05); then the threshold moves up to the
    middle between ``t0`` and the lowest score that is flagged correctly at ``t0``: on the runs
    it was chosen on, it flags exactly the same, and it keeps a margin from the unanswerable
    query just below it instead of sitting on it.
    """
    t0 = 100.0
    for step in range(0, 2001):
        t = step / 20
        if all(measure(runs, t).false_alarms <= max_false_alarms for runs in per_set):
            t0 = t
            break
    right = [
        hits[0][1]
        for runs in per_set
        for q, hits in runs
        if q.relevant and hits and hits[0][0] in q.relevant and t0 <= hits[0][1] < 1000.0
    ]
    return round((t0 + min(right)) / 2, 1) if right else t0


SYSTEMS = ("lexical", "semantic", "fused", "baseline token_set_ratio")
#: Thresholds that flag nothing, so a calibrated system's raw scores reach :func:`calibrate`.
NEVER = {"signal": 1e9, "study": 1e9}


def evaluate(
    sets: Sequence[str] = tuple(SETS),
    splits: Sequence[str] = ("dev", "test"),
    systems: Sequence[str] = SYSTEMS,
    encoder: Encoder | None = None,
) -> dict[str, dict[str, Result]]:
    """{system: {"set/task/split @ threshold": Result}} for every set, task and split."""
    vectors = Vectors(encoder or E5Encoder()) if {"semantic", "fused"} & set(systems) else None
    out: dict[str, dict[str, Result]] = {}
    for name in sets:
        docs, queries = load_set(name)
        for system in systems:
            calibrated = system in ("semantic", "baseline token_set_ratio")
            if system == "baseline token_set_ratio":
                ranker = baseline_ranker(docs)
            else:
                fusion = FusionConfig(lexical_weight=0.0) if system == "semantic" else None
                ranker, _ = index_ranker(
                    docs,
                    queries,
                    None if system == "lexical" else vectors,
                    fusion,
                    NEVER if calibrated else None,
                )
            all_runs = run(ranker, queries)
            for task in ("signal", "study"):
                task_runs = [x for x in all_runs if x[0].kind == task]
                threshold = (
                    calibrate([[x for x in task_runs if x[0].split == "dev"]])
                    if calibrated
                    else 1000.0
                )
                for split in splits:
                    sel = [x for x in task_runs if x[0].split == split]
                    shown = "default" if threshold == 1000.0 else f"{threshold:g}"
                    key = f"{name}/{task}/{split} @ {shown}"
                    out.setdefault(system, {})[key] = measure(sel, threshold)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=[*SETS, "all"], default="all")
    parser.add_argument("--split", choices=["dev", "test", "both"], default="both")
    parser.add_argument("--calibrate", action="store_true", help="tune fusion on the dev halves")
    args = parser.parse_args(argv)
    sets = tuple(SETS) if args.set == "all" else (args.set,)
    splits = ("dev", "test") if args.split == "both" else (args.split,)
    if args.calibrate:
        from benchmarks.matching_calibrate import main as calibrate_main

        calibrate_main()
        return
    results = evaluate(sets, splits)
    print(
        "| system | set/task/split @ threshold | queries | R@1 | R@3 | MRR | flagged | false alarms |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, per in results.items():
        for key, r in per.items():
            print(
                f"| {name} | {key} | {r.answerable}+{r.unanswerable} | {r.recall1:.2f} | "
                f"{r.recall3:.2f} | {r.mrr:.2f} | {r.flagged:.2f} | {r.false_alarms:.2f} |"
            )


if __name__ == "__main__":
    main()
