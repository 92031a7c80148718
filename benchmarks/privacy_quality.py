"""Measure the privacy guard (privacy.scan) on the labelled Dutch set.

Rerun::

    PYTHONPATH=. python benchmarks/privacy_quality.py [--markdown] [--errors]

Metrics, each for the development part, the held-out part (every 5th line, index % 5 == 4,
never looked at while tuning) and all lines:

* text level: a text is positive if it has any gold span; detected positive if scan finds
  anything. Precision/recall over texts.
* span level (typed): a gold span is found if a finding of the same kind overlaps it; a
  finding is correct if it overlaps a gold span of the same kind.
* span level (any kind): the same, ignoring the kind (what matters for masking).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from privacy import Finding, scan

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "privacy" / "privacy_set.jsonl"
HELD_OUT_EVERY = 5


@dataclass(frozen=True, slots=True)
class Example:
    index: int
    text: str
    gold: tuple[Finding, ...]

    @property
    def held_out(self) -> bool:
        return self.index % HELD_OUT_EVERY == HELD_OUT_EVERY - 1


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass(slots=True)
class Scores:
    texts: int = 0
    text: Counts = field(default_factory=Counts)
    span_typed_gold: Counts = field(default_factory=Counts)  # recall side
    span_typed_pred: Counts = field(default_factory=Counts)  # precision side
    span_any_gold: Counts = field(default_factory=Counts)
    span_any_pred: Counts = field(default_factory=Counts)
    errors: list[str] = field(default_factory=list)

    def span_typed(self) -> tuple[float, float]:
        return self.span_typed_pred.precision(), self.span_typed_gold.recall()

    def span_any(self) -> tuple[float, float]:
        return self.span_any_pred.precision(), self.span_any_gold.recall()


def load(path: Path = DATA) -> list[Example]:
    examples = []
    with path.open(encoding="utf-8") as fh:
        for index, line in enumerate(fh):
            row = json.loads(line)
            gold = tuple(Finding(s["kind"], s["start"], s["end"]) for s in row["spans"])
            examples.append(Example(index, row["text"], gold))
    return examples


def _overlaps(a: Finding, b: Finding, *, typed: bool) -> bool:
    return a.start < b.end and b.start < a.end and (not typed or a.kind == b.kind)


def _count(
    scores: Scores, gold: Sequence[Finding], pred: Sequence[Finding], *, typed: bool
) -> None:
    gold_counts = scores.span_typed_gold if typed else scores.span_any_gold
    pred_counts = scores.span_typed_pred if typed else scores.span_any_pred
    for g in gold:
        if any(_overlaps(g, p, typed=typed) for p in pred):
            gold_counts.tp += 1
        else:
            gold_counts.fn += 1
    for p in pred:
        if any(_overlaps(p, g, typed=typed) for g in gold):
            pred_counts.tp += 1
        else:
            pred_counts.fp += 1


def _show(text: str, findings: Sequence[Finding]) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start : f.end]) for f in findings]


def evaluate(examples: Sequence[Example]) -> Scores:
    scores = Scores()
    for ex in examples:
        pred = scan(ex.text)
        scores.texts += 1
        positive, detected = bool(ex.gold), bool(pred)
        if positive and detected:
            scores.text.tp += 1
        elif positive:
            scores.text.fn += 1
        elif detected:
            scores.text.fp += 1
        else:
            scores.text.tn += 1
        _count(scores, ex.gold, pred, typed=True)
        _count(scores, ex.gold, pred, typed=False)
        missed = [g for g in ex.gold if not any(_overlaps(g, p, typed=True) for p in pred)]
        extra = [p for p in pred if not any(_overlaps(p, g, typed=True) for g in ex.gold)]
        if missed or extra:
            scores.errors.append(
                f"#{ex.index}: missed={_show(ex.text, missed)} extra={_show(ex.text, extra)}"
            )
    return scores


def measure(path: Path = DATA) -> dict[str, Scores]:
    examples = load(path)
    return {
        "development": evaluate([e for e in examples if not e.held_out]),
        "held-out": evaluate([e for e in examples if e.held_out]),
        "all": evaluate(examples),
    }


def table(results: dict[str, Scores], *, markdown: bool = False) -> str:
    header = (
        "part",
        "texts",
        "pos",
        "spans",
        "text P",
        "text R",
        "span P",
        "span R",
        "any-kind P",
        "any-kind R",
    )
    rows = []
    for name, s in results.items():
        typed_p, typed_r = s.span_typed()
        any_p, any_r = s.span_any()
        rows.append(
            (
                name,
                str(s.texts),
                str(s.text.tp + s.text.fn),
                str(s.span_typed_gold.tp + s.span_typed_gold.fn),
                f"{s.text.precision():.3f}",
                f"{s.text.recall():.3f}",
                f"{typed_p:.3f}",
                f"{typed_r:.3f}",
                f"{any_p:.3f}",
                f"{any_r:.3f}",
            )
        )
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--errors", action="store_true", help="list missed/extra spans")
    parser.add_argument("--held-out-errors", action="store_true", help="include held-out errors")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results = measure()
    elapsed = time.perf_counter() - started
    print(table(results, markdown=args.markdown))
    print(f"\n{results['all'].texts} texts scanned in {elapsed:.2f} s")
    if args.errors:
        print("\ndevelopment errors:")
        print("\n".join(results["development"].errors) or "  none")
        if args.held_out_errors:
            print("\nheld-out errors:")
            print("\n".join(results["held-out"].errors) or "  none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
