"""Quality floors for the privacy guard on both labelled sets (see benchmarks/README.md).

The floors sit under the measured numbers, so a change that makes the guard miss personal data
or flag clean text fails here. The independent probe's held-out half has 179 texts and 86
spans: one miss costs about 0.012 recall there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privacy import KINDS, Guard, elfproef
from privacy.quality import Scores, kind_table, measure

ROOT = Path(__file__).resolve().parents[3]
AUTHORS = ROOT / "tests" / "data" / "privacy" / "privacy_set.jsonl"
PROBE = ROOT / "tests" / "data" / "privacy_independent" / "probe.jsonl"


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Scores]]:
    guard = Guard()
    return {"authors": measure(AUTHORS, guard), "probe": measure(PROBE, guard)}


@pytest.mark.parametrize("path", [AUTHORS, PROBE], ids=["authors", "probe"])
def test_labelled_set_is_consistent(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 250
    positives = sum(1 for r in rows if r["spans"])
    assert 0.3 <= positives / len(rows) <= 0.6
    for row in rows:
        text, spans = row["text"], row["spans"]
        previous_end = 0
        for span in sorted(spans, key=lambda s: s["start"]):
            assert span["kind"] in KINDS
            assert previous_end <= span["start"] < span["end"] <= len(text)
            value = text[span["start"] : span["end"]]
            assert value.strip() == value and value
            if span["kind"] == "bsn":
                assert elfproef(value), value
            previous_end = span["end"]


@pytest.mark.parametrize(
    ("corpus", "part", "precision", "recall"),
    [
        ("authors", "all", 0.97, 0.97),
        ("authors", "held-out", 0.95, 0.95),
        ("probe", "development", 0.97, 0.97),
        ("probe", "held-out", 0.95, 0.96),
        ("probe", "all", 0.96, 0.97),
    ],
)
def test_quality_floor(
    results: dict[str, dict[str, Scores]],
    corpus: str,
    part: str,
    precision: float,
    recall: float,
) -> None:
    scores = results[corpus][part]
    measured_p, measured_r = scores.typed()
    assert measured_p >= precision, kind_table(results[corpus])
    assert measured_r >= recall, kind_table(results[corpus])
    assert scores.any_precision.rate >= precision
    assert scores.any_recall.rate >= recall


def test_public_numbers_and_own_references_in_the_probe_are_left_alone(
    results: dict[str, dict[str, Scores]],
) -> None:
    # The probe's hard negatives include 0800/0900 numbers, 112, 113, 14 040 and S-/V- refs.
    probe = results["probe"]["all"]
    assert probe.precision["phone"].rate == 1.0
    assert probe.precision.get("case_number") is None or probe.precision["case_number"].rate == 1.0


def test_the_benchmark_prints_both_sets(capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(
        "privacy_quality", ROOT / "benchmarks" / "privacy_quality.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    assert module.main([]) == 0
    out = capsys.readouterr().out
    assert "independent probe" in out and "| name |" in out and "held-out R" in out
