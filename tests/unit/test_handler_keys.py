"""Keys the code builds at run time (``f"signals.status.{status}"``) exist in both languages."""

from __future__ import annotations

from cycle.sessions import KINDS
from handlers import signal_form, triage, weighing
from kernel.i18n import SUPPORTED_LOCALES, Catalogue
from storage.domain import SIGNAL_STATUSES
from storage.repositories.sessions import RSVP_ANSWERS


def test_dynamic_keys_exist() -> None:
    catalogue = Catalogue.load()
    keys = [f"signals.since.{k}" for k in signal_form.SINCE]
    keys += [f"signals.frequency.{k}" for k in signal_form.FREQUENCY]
    keys += [f"signals.status.{s}" for s in (*triage.TRANSITIONS, *SIGNAL_STATUSES)]
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
    keys += [f"intake.support_from.{org}" for org in ("municipality", "provider", "other")]
    keys += [f"signals.org_type.{org}" for org in ("municipality", "provider", "other")]
    keys += [f"sessions.rsvp_thanks_{answer}" for answer in RSVP_ANSWERS]
    keys += [f"sessions.rsvp_{answer}" for answer in RSVP_ANSWERS]
    keys += [f"sessions.about_{kind}" for kind in KINDS]
    for locale in SUPPORTED_LOCALES:
        assert sorted(k for k in keys if catalogue.raw(locale, k) is None) == [], locale
