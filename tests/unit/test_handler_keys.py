"""Every catalogue key the intake handlers use exists in both languages."""

from __future__ import annotations

import re
from pathlib import Path

from handlers import signals, triage, weighing
from kernel.i18n import Catalogue

ROOT = Path(__file__).resolve().parents[2]
KEY = re.compile(r"\"((?:intake|signals|core)\.[a-z_]+(?:\.[a-z_0-9]+)?)\"")


def test_literal_keys_exist() -> None:
    catalogue = Catalogue.load()
    used: set[str] = set()
    for path in (ROOT / "handlers").glob("*.py"):
        used |= {k for k in KEY.findall(path.read_text("utf-8")) if not k.endswith(".")}
    for locale in ("nl", "en"):
        missing = sorted(k for k in used if catalogue.raw(locale, k) is None)
        assert missing == [], locale


def test_dynamic_keys_exist() -> None:
    catalogue = Catalogue.load()
    keys = [f"signals.since.{k}" for k in signals.SINCE]
    keys += [f"signals.frequency.{k}" for k in signals.FREQUENCY]
    keys += [f"signals.status.{s}" for s in triage.TRANSITIONS]
    for step, options in weighing.STEPS:
        keys += [
            f"intake.weigh_step.{step}",
            f"intake.weigh_question.{step}",
            f"intake.weigh_hint.{step}",
        ]
        keys += [f"intake.weigh_option.{o}" for o in options]
    keys += [f"intake.recommendation.{r}" for r in weighing.RECOMMENDATIONS]
    keys += [
        f"intake.question_status.{r}" for r in (*weighing.RECOMMENDATIONS, "nieuw", "in_weging")
    ]
    for locale in ("nl", "en"):
        assert sorted(k for k in keys if catalogue.raw(locale, k) is None) == [], locale
