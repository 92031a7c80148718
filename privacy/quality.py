"""Measuring the guard on a labelled set: recall and precision per kind.

Why in the package: ``signaalbot privacy scan --report`` and ``benchmarks/privacy_quality.py``
print the same numbers from the same code, so the README table can be checked by anyone.

A labelled set is JSON lines: ``{"text": ..., "spans": [{"kind", "start", "end"}], "id"?}``.
Counting:

* a gold span is *found* when a finding of a compatible kind overlaps it (recall);
* a finding is *correct* when it overlaps a gold span of a compatible kind (precision);
* ``postcode`` and ``address`` are compatible: a postcode with a house number is labelled
  ``postcode`` in one set and ``address`` in the other, and either way it is masked;
* *any kind* ignores the kind: what matters for masking.

Parts: a set whose rows have ids like ``ind-017`` splits by the number's parity (odd:
development, even: held-out); a set without ids keeps every fifth line (index % 5 == 4) held out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from privacy.findings import KINDS, Finding
from privacy.scanner import Guard

_COMPATIBLE = {"postcode": "location", "address": "location"}
_ID_NUMBER = re.compile(r"(\d+)$")


@dataclass(frozen=True, slots=True)
class Example:
    index: int
    text: str
    gold: tuple[Finding, ...]
    id: str = ""
    lang: str = ""

    @property
    def held_out(self) -> bool:
        number = _ID_NUMBER.search(self.id)
        if number is not None:
            return int(number.group(1)) % 2 == 0
        return self.index % 5 == 4


@dataclass(slots=True)
class Tally:
    hit: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        return self.hit / self.total if self.total else 1.0

    def add(self, ok: bool) -> None:
        self.hit += int(ok)
        self.total += 1


@dataclass(slots=True)
class Scores:
    texts: int = 0
    recall: dict[str, Tally] = field(default_factory=dict)
    precision: dict[str, Tally] = field(default_factory=dict)
    any_recall: Tally = field(default_factory=Tally)
    any_precision: Tally = field(default_factory=Tally)
    text_recall: Tally = field(default_factory=Tally)  # texts with data that were flagged
    text_precision: Tally = field(default_factory=Tally)  # flagged texts that had data
    errors: list[str] = field(default_factory=list)

    def typed(self) -> tuple[float, float]:
        """Micro-averaged (precision, recall) over all kinds."""
        found = sum(t.hit for t in self.recall.values())
        gold = sum(t.total for t in self.recall.values())
        right = sum(t.hit for t in self.precision.values())
        flagged = sum(t.total for t in self.precision.values())
        return (right / flagged if flagged else 1.0, found / gold if gold else 1.0)


def load(path: str | Path) -> list[Example]:
    examples = []
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(line for line in lines if line.strip()):
        row = json.loads(line)
        gold = tuple(Finding(s["kind"], s["start"], s["end"]) for s in row["spans"])
        examples.append(
            Example(index, row["text"], gold, str(row.get("id", "")), str(row.get("lang", "")))
        )
    return examples


def _same(a: str, b: str) -> bool:
    return _COMPATIBLE.get(a, a) == _COMPATIBLE.get(b, b)


def _overlap(a: Finding, b: Finding) -> bool:
    return a.start < b.end and b.start < a.end


def _show(text: str, findings: Iterable[Finding]) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start : f.end]) for f in findings]


def evaluate(examples: Iterable[Example], guard: Guard | None = None) -> Scores:
    guard = guard or Guard()
    scores = Scores()
    for ex in examples:
        pred = guard.scan(ex.text)
        scores.texts += 1
        if ex.gold:
            scores.text_recall.add(bool(pred))
        if pred:
            scores.text_precision.add(bool(ex.gold))
        missed, extra = [], []
        for g in ex.gold:
            found = any(_overlap(g, p) and _same(g.kind, p.kind) for p in pred)
            scores.recall.setdefault(g.kind, Tally()).add(found)
            scores.any_recall.add(any(_overlap(g, p) for p in pred))
            if not found:
                missed.append(g)
        for p in pred:
            right = any(_overlap(p, g) and _same(g.kind, p.kind) for g in ex.gold)
            scores.precision.setdefault(p.kind, Tally()).add(right)
            scores.any_precision.add(any(_overlap(p, g) for g in ex.gold))
            if not right:
                extra.append(p)
        if missed or extra:
            name = ex.id or f"#{ex.index}"
            scores.errors.append(
                f"{name}: missed={_show(ex.text, missed)} extra={_show(ex.text, extra)}"
            )
    return scores


def parts(examples: Sequence[Example]) -> dict[str, list[Example]]:
    return {
        "development": [e for e in examples if not e.held_out],
        "held-out": [e for e in examples if e.held_out],
        "all": list(examples),
    }


def measure(path: str | Path, guard: Guard | None = None) -> dict[str, Scores]:
    """Scores for the development part, the held-out part and all of a labelled set."""
    guard = guard or Guard()
    return {name: evaluate(rows, guard) for name, rows in parts(load(path)).items()}


def _cell(t: Tally | None) -> str:
    return f"{t.rate:.2f} ({t.hit}/{t.total})" if t is not None and t.total else "–"


def kind_table(results: dict[str, Scores]) -> str:
    """Markdown: one row per kind, recall and precision per part."""
    names = list(results)
    header = ["kind"] + [f"{n} {m}" for n in names for m in ("R", "P")]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for kind in KINDS:
        cells = [kind]
        for name in names:
            s = results[name]
            cells += [_cell(s.recall.get(kind)), _cell(s.precision.get(kind))]
        lines.append("| " + " | ".join(cells) + " |")
    cells = ["**all kinds**"]
    for name in names:
        s = results[name]
        found = Tally(
            sum(t.hit for t in s.recall.values()), sum(t.total for t in s.recall.values())
        )
        right = Tally(
            sum(t.hit for t in s.precision.values()), sum(t.total for t in s.precision.values())
        )
        cells += [_cell(found), _cell(right)]
    lines.append("| " + " | ".join(cells) + " |")
    cells = ["any kind (masking)"]
    for name in names:
        cells += [_cell(results[name].any_recall), _cell(results[name].any_precision)]
    lines.append("| " + " | ".join(cells) + " |")
    cells = ["texts"]
    for name in names:
        cells += [_cell(results[name].text_recall), _cell(results[name].text_precision)]
    lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
