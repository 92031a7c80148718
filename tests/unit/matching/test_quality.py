"""Quality floors on the labelled set (benchmarks/matching_quality.py does the work).

Floors sit a little below what the index achieves (see benchmarks/README.md) so that a change
that makes matching worse fails here. They are checked on the held-out *test* split.
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
    results = mq.evaluate(("dev", "test"))
    ours = {k.split(" @ ")[0]: v for k, v in results["matching"].items()}
    base = {k.split(" @ ")[0]: v for k, v in results["baseline token_set_ratio"].items()}
    for split in ("dev", "test"):
        sig = ours[f"signal/{split}"]
        study = ours[f"study/{split}"]
        assert sig.recall3 >= 0.90, (split, sig)
        assert sig.recall1 >= 0.75, (split, sig)
        assert sig.mrr >= 0.82, (split, sig)
        assert sig.false_alarms <= 0.10, (split, sig)
        assert study.recall3 >= 0.88, (split, study)
        assert study.false_alarms <= 0.10, (split, study)
        # and clearly better than plain rapidfuzz
        assert sig.recall3 >= base[f"signal/{split}"].recall3 + 0.1
