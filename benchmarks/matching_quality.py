"""Quality of matching.MatchIndex on the labelled Dutch set, next to a rapidfuzz baseline.

Run from the repository root::

    python benchmarks/matching_quality.py                 # dev + test, both systems
    python benchmarks/matching_quality.py --split test    # only the held-out half
    python benchmarks/matching_quality.py --calibrate     # suggest a threshold from dev

Metrics per task (similar *signals*, relevant *studies*):

* recall@1 / recall@3: share of answerable queries with a right answer in the top 1 / top 3;
* MRR: mean reciprocal rank of the first right answer (0 when not in the top 10);
* dup-recall: share of answerable queries whose top hit is right *and* flagged duplicate;
* false alarms: share of queries without a right answer (hard negatives, unrelated texts,
  unanswerable study questions) whose top hit is flagged duplicate.

The baseline ranks every document by ``rapidfuzz.fuzz.token_set_ratio`` on rapidfuzz's default
processing (lowercase, no punctuation); its threshold is calibrated on dev the same way.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from matching import Document, MatchIndex  # noqa: E402

DATA = ROOT / "tests" / "data" / "matching"
STUDIES = ROOT / "config" / "studies.csv"
TOP = 10

# A ranker maps (query text, kind, excluded ref) to [(ref, score)], best first.
Ranker = Callable[[str, str, str | None], list[tuple[str, float]]]


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
    dup_recall: float
    unanswerable: int
    false_alarms: float


def load_signals() -> tuple[list[Document], list[Query]]:
    rows = list(csv.DictReader((DATA / "signals.csv").open(encoding="utf-8")))
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
    return docs, queries


def load_studies() -> tuple[list[Document], list[Query]]:
    docs = [
        Document("study", r["ref"], r["title"], r["summary"])
        for r in csv.DictReader(STUDIES.open(encoding="utf-8"))
    ]
    queries = [
        Query(
            text=r["query"],
            kind="study",
            relevant=frozenset(x for x in r["relevant"].split("|") if x),
            split=r["split"],
        )
        for r in csv.DictReader((DATA / "study_queries.csv").open(encoding="utf-8"))
    ]
    return docs, queries


def index_ranker(docs: Sequence[Document]) -> Ranker:
    index = MatchIndex()
    index.add_many(docs)

    def rank(text: str, kind: str, own: str | None) -> list[tuple[str, float]]:
        exclude = [(kind, own)] if own else []
        return [(m.ref, m.score) for m in index.search(text, kind, TOP, exclude)]

    return rank


def baseline_ranker(docs: Sequence[Document]) -> Ranker:
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for d in docs:
        text = d.text if d.title[:40] in d.text else f"{d.title}. {d.text}"
        by_kind.setdefault(d.kind, []).append((d.ref, utils.default_process(text)))

    def rank(text: str, kind: str, own: str | None) -> list[tuple[str, float]]:
        pool = by_kind.get(kind, [])
        refs = [r for r, _ in pool]
        hits = process.extract(
            utils.default_process(text),
            [t for _, t in pool],
            scorer=fuzz.token_set_ratio,
            limit=TOP + 1,
        )
        out = [(refs[i], float(s)) for _, s, i in hits if refs[i] != own]
        return out[:TOP]

    return rank


def run(rank: Ranker, queries: Sequence[Query]) -> list[tuple[Query, list[tuple[str, float]]]]:
    return [(q, rank(q.text, q.kind, q.own_ref)) for q in queries]


def measure(runs: Sequence[tuple[Query, list[tuple[str, float]]]], threshold: float) -> Result:
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
        dup_recall=dup / na,
        unanswerable=len(neg),
        false_alarms=fa / max(len(neg), 1),
    )


def calibrate(runs: Sequence[tuple[Query, list[tuple[str, float]]]]) -> float:
    """Threshold maximising dup-recall - 2 x false alarms (false alarms annoy users more)."""
    best_t, best_v = 50.0, -1e9
    for step in range(200, 1901):
        t = step / 20
        res = measure(runs, t)
        value = res.dup_recall - 2 * res.false_alarms
        if value > best_v + 1e-9:
            best_t, best_v = t, value
    return best_t


def evaluate(splits: Sequence[str] = ("dev", "test")) -> dict[str, dict[str, Result]]:
    """Evaluate both systems on each task and split.

    The index uses its default per-kind thresholds; the baseline gets a threshold per task
    calibrated on dev with :func:`calibrate`.
    """
    sig_docs, sig_q = load_signals()
    st_docs, st_q = load_studies()
    docs = sig_docs + st_docs
    queries = sig_q + st_q
    defaults = MatchIndex(analyzer=None)
    out: dict[str, dict[str, Result]] = {}
    systems: list[tuple[str, Ranker, bool]] = [
        ("matching", index_ranker(docs), False),
        ("baseline token_set_ratio", baseline_ranker(docs), True),
    ]
    for name, ranker, calibrated in systems:
        all_runs = run(ranker, queries)
        for task in ("signal", "study"):
            task_runs = [x for x in all_runs if x[0].kind == task]
            if calibrated:
                threshold = calibrate([x for x in task_runs if x[0].split == "dev"])
            else:
                threshold = defaults.threshold_for(task)
            for split in splits:
                sel = [x for x in task_runs if x[0].split == split]
                out.setdefault(name, {})[f"{task}/{split} @ {threshold:g}"] = measure(
                    sel, threshold
                )
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test", "both"], default="both")
    parser.add_argument("--calibrate", action="store_true", help="suggest a threshold from dev")
    args = parser.parse_args(argv)
    splits = ("dev", "test") if args.split == "both" else (args.split,)
    if args.calibrate:
        sig_docs, sig_q = load_signals()
        st_docs, _ = load_studies()
        runs = run(index_ranker(sig_docs + st_docs), [q for q in sig_q if q.split == "dev"])
        print(f"suggested duplicate threshold (dev signals): {calibrate(runs):g}")
    results = evaluate(splits)
    print(
        "| system | task/split @ threshold | queries | R@1 | R@3 | MRR | dup-recall "
        "| false alarms |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, per in results.items():
        for key, r in per.items():
            print(
                f"| {name} | {key} | {r.answerable}+{r.unanswerable} | {r.recall1:.2f} | "
                f"{r.recall3:.2f} | {r.mrr:.2f} | {r.dup_recall:.2f} | {r.false_alarms:.2f} |"
            )


if __name__ == "__main__":
    main()
