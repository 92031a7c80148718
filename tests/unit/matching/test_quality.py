"""Quality floors on the three labelled sets (benchmarks/matching_quality.py does the work).

Floors sit a little below what the index achieves (see benchmarks/README.md) so that a change
that makes matching worse fails here. The dev halves must keep the calibration's promise (at most
10% false alarms); the test floors are what the dev-chosen flag reached, not targets. The independent
and the fresh sets were written by people who never saw the matcher; on their *test* halves the
fused default must beat the lexical and the semantic score alone.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[3]


def load_benchmark() -> ModuleType:
    path = ROOT / "benchmarks" / "matching_quality.py"
    spec = importlib.util.spec_from_file_location("matching_quality", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["matching_quality"] = module
    spec.loader.exec_module(module)
    return module


def test_quality_floors() -> None:
    mq = load_benchmark()
    results = mq.evaluate(("authors", "independent", "fresh"), ("dev", "test"))
    by = {system: {k.split(" @ ")[0]: v for k, v in per.items()} for system, per in results.items()}
    lexical, semantic, fused = by["lexical"], by["semantic"], by["fused"]
    base = by["baseline token_set_ratio"]
    for split in ("dev", "test"):
        sig = lexical[f"authors/signal/{split}"]
        assert sig.recall3 >= 0.90, (split, sig)
        assert sig.recall1 >= 0.75, (split, sig)
        assert sig.false_alarms <= 0.10, (split, sig)
        assert lexical[f"authors/study/{split}"].recall3 >= 0.88
        both = fused[f"authors/signal/{split}"]
        assert both.recall3 >= 0.90 and both.recall1 >= 0.85, (split, both)
        assert both.false_alarms <= 0.10, (split, both)
        assert fused[f"authors/study/{split}"].recall3 >= 0.90
        # and clearly better than plain rapidfuzz
        assert sig.recall3 >= base[f"authors/signal/{split}"].recall3 + 0.1
    for name in ("independent", "fresh"):
        held_out = fused[f"{name}/signal/test"]
        assert held_out.recall3 >= 0.82, (name, held_out)
        assert held_out.recall3 >= lexical[f"{name}/signal/test"].recall3 + 0.05, name
        assert held_out.recall3 > semantic[f"{name}/signal/test"].recall3, name
        assert held_out.mrr > max(
            lexical[f"{name}/signal/test"].mrr, semantic[f"{name}/signal/test"].mrr
        ), name
        studies = fused[f"{name}/study/test"]
        assert studies.recall3 >= 0.90, (name, studies)
        assert studies.flagged >= 0.70 and studies.false_alarms <= 0.25, (name, studies)
        assert studies.mrr >= max(
            lexical[f"{name}/study/test"].mrr, semantic[f"{name}/study/test"].mrr
        ), name
    # The duplicate flag (issue 15, must-have 4): calibrated on the dev halves to at most 10%
    # false alarms on each set's dev half; on the test halves it flags 0.15 at 0.12
    # (independent) and 0.10 at 0.04 (fresh): far from the 50%.
    for name in ("authors", "independent", "fresh"):
        for task in ("signal", "study"):
            assert fused[f"{name}/{task}/dev"].false_alarms <= 0.10, (name, task)
    assert fused["independent/signal/dev"].flagged >= 0.08
    flag = fused["independent/signal/test"]
    assert flag.flagged >= 0.12 and flag.false_alarms <= 0.15, flag
    flag = fused["fresh/signal/test"]
    assert flag.flagged >= 0.08 and flag.false_alarms <= 0.10, flag
    assert fused["authors/signal/dev"].flagged >= 0.33
    assert fused["authors/signal/test"].flagged >= 0.22
    assert fused["authors/study/test"].false_alarms <= 0.10
