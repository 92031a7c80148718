"""The prompts the cycle sends: neutral replies in the recipient's language.

Buttons carry the stage id and, where a second click must not act twice, the due date the
prompt was about (``12:2026-03-05``): a click on an old prompt after the date moved does nothing.
"""

from __future__ import annotations

from datetime import date

from kernel.core import Button, Buttons, FieldItem, Fields, Reply, Text
from kernel.domain_config import Stage
from kernel.i18n import Translator

ACTION_DONE = "cycle.done"
ACTION_POSTPONE = "cycle.postpone"
ACTION_HANDOVER = "cycle.handover"
ACTION_REMIND = "cycle.esc.remind"
ACTION_REASSIGN = "cycle.esc.reassign"
ACTION_EXTEND = "cycle.esc.extend"
ACTION_NEXT_ROUND = "cycle.next"
ACTION_CLOSE = "cycle.close"


def stage_prompt(
    t: Translator,
    *,
    kind: str,
    stage: Stage,
    stage_id: int,
    cycle_id: int,
    title: str,
    round_: int,
    due_on: date,
) -> Reply:
    """A start prompt, a reminder, a due-date prompt or a nudge for one stage owner."""
    name = stage.name(t.locale)
    return Reply(
        blocks=(
            Text(
                text=t(f"cycle.prompt_{kind}_title", stage=name, number=stage.number),
                style="header",
            ),
            Text(text=t(f"cycle.prompt_{kind}_text", stage=name, due=t.date(due_on))),
            Fields(
                items=(
                    FieldItem(label=t("cycle.field_cycle"), value=f"#{cycle_id} {title}".strip()),
                    FieldItem(label=t("cycle.field_round"), value=str(round_)),
                    FieldItem(label=t("cycle.field_due"), value=t.date(due_on)),
                    FieldItem(label=t("cycle.field_output"), value=stage.output(t.locale)),
                )
            ),
            Buttons(
                buttons=(
                    Button(
                        label=t("cycle.button_done"),
                        action_id=ACTION_DONE,
                        value=str(stage_id),
                        style="primary",
                    ),
                    Button(
                        label=t("cycle.button_postpone"),
                        action_id=ACTION_POSTPONE,
                        value=f"{stage_id}:{due_on.isoformat()}",
                    ),
                    Button(
                        label=t("cycle.button_handover"),
                        action_id=ACTION_HANDOVER,
                        value=str(stage_id),
                    ),
                )
            ),
        )
    )


def escalation_prompt(
    t: Translator,
    *,
    stage: Stage,
    stage_id: int,
    cycle_id: int,
    title: str,
    due_on: date,
    owners: str,
) -> Reply:
    name = stage.name(t.locale)
    return Reply(
        blocks=(
            Text(text=t("cycle.escalation_title", stage=name, number=stage.number), style="header"),
            Text(text=t("cycle.escalation_text", stage=name, due=t.date(due_on), owners=owners)),
            Fields(
                items=(
                    FieldItem(label=t("cycle.field_cycle"), value=f"#{cycle_id} {title}".strip()),
                    FieldItem(label=t("cycle.field_due"), value=t.date(due_on)),
                )
            ),
            Buttons(
                buttons=(
                    Button(
                        label=t("cycle.button_remind"),
                        action_id=ACTION_REMIND,
                        value=f"{stage_id}:{due_on.isoformat()}",
                        style="primary",
                    ),
                    Button(
                        label=t("cycle.button_reassign"),
                        action_id=ACTION_REASSIGN,
                        value=str(stage_id),
                    ),
                    Button(
                        label=t("cycle.button_extend"),
                        action_id=ACTION_EXTEND,
                        value=f"{stage_id}:{due_on.isoformat()}",
                    ),
                )
            ),
        )
    )


def decision_prompt(t: Translator, *, cycle_id: int, title: str) -> Reply:
    """After stage 4: start the next round, or close the cycle with a conclusion."""
    return Reply(
        blocks=(
            Text(
                text=t("cycle.decision_title", cycle=f"#{cycle_id} {title}".strip()), style="header"
            ),
            Text(text=t("cycle.decision_text")),
            Buttons(
                buttons=(
                    Button(
                        label=t("cycle.button_next_round"),
                        action_id=ACTION_NEXT_ROUND,
                        value=str(cycle_id),
                        style="primary",
                    ),
                    Button(
                        label=t("cycle.button_close"), action_id=ACTION_CLOSE, value=str(cycle_id)
                    ),
                )
            ),
        )
    )
