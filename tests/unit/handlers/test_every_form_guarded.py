"""Every form the handlers can produce: each typed input is guarded by construction.

The test builds every form (each weighing step, each triage status, every cycle form), checks
that together they cover every form id the router accepts, and then proves for each input a
person types into that ``validate_form`` refuses personal data there: client text refuses all
kinds, a staff field (a colleague's name) allows the name but still refuses a BSN, an address,
a client's case number and every other kind. A new form or input is covered without editing this test.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from handlers import (
    cycle,
    cycle_common,
    cycle_leader,
    cycle_stage,
    questions,
    sessions,
    signal_form,
    studies,
    support,
    triage,
    weighing,
)
from kernel.core import Actor, Form, Input, Platform, Role, Submit
from turn.context import TurnContext
from turn.forms import guarded, validate_form
from turn.pipeline import Signaalbot

CLIENT_DATA = {
    "bsn": "Cliënt met BSN 111222333 wacht al maanden op hulp.",
    "email": "Mail de moeder via j.bakker@voorbeeld.nl over de wachttijd.",
    "phone": "Bel haar op 06-12345678 voor een afspraak.",
    "address": "Het gezin woont op de Kruisstraat 12a in Woensel.",
    "postcode": "Het gezin woont op 5622 KL 14 in Woensel.",
    "birth_date": "De jongen is geboren op 3 april 2009 en zit thuis.",
    "case_number": "Zie dossiernummer 2023-45871 voor de details.",
    "name": "Mevrouw Jansen komt al weken niet meer naar de dagbesteding.",
    "iban": "Het geld ging naar NL91 ABNA 0417 1643 00 van de cliënt.",
}


async def all_forms(bot: Signaalbot) -> list[Form]:
    actor = Actor(
        platform=Platform.CONSOLE,
        user_id="walker",
        person_id=1,
        roles=frozenset({Role.ADMIN}),
    )
    ctx = TurnContext(services=bot.services, actor=actor, event=Submit(form_id="-"))
    t = ctx.t
    question: Any = SimpleNamespace(ref="V-2026-0001")
    stage: Any = SimpleNamespace(id=7, number=1, cycle_id=3)
    session: Any = SimpleNamespace(id=5)
    async with ctx.uow() as uow:
        forms = [
            await signal_form.signal_form(ctx, uow),
            await questions.question_form(ctx, uow, {}),
        ]
    forms += [weighing.step_form(t, question, n) for n in range(1, len(weighing.STEPS) + 1)]
    forms.append(weighing.advice_form(t, question, "oppakken", ""))
    forms += [triage.reason_form(t, "S-2026-0001", status) for status in triage.TRANSITIONS]
    forms.append(support.support_form(ctx, "S-2026-0001"))
    forms.append(sessions.agenda_form(ctx, session))
    forms.append(cycle.start_form(ctx))
    forms.append(cycle_stage.output_form(ctx, stage))
    forms.append(cycle_stage.colleague_form(ctx, cycle_common.FORM_HANDOVER, stage))
    forms.append(cycle_stage.colleague_form(ctx, cycle_common.FORM_REASSIGN, stage))
    forms.append(cycle_leader.conclusion_form(ctx, 3))
    forms.append(studies.study_form(ctx, {}))
    return forms


def typed_inputs(forms: list[Form]) -> list[tuple[Form, Input]]:
    return [(form, field) for form in forms for field in form.inputs if guarded(field)]


async def test_the_walk_covers_every_form_the_router_accepts(sqlite_bot: Signaalbot) -> None:
    forms = await all_forms(sqlite_bot)
    assert {f.form_id for f in forms} == set(sqlite_bot.router.submits)
    kinds = {field.kind for _, field in typed_inputs(forms)}
    assert {"text", "multiline"} <= kinds
    assert len(typed_inputs(forms)) >= 20


@pytest.mark.parametrize("kind", sorted(CLIENT_DATA))
async def test_every_typed_input_refuses_personal_data(sqlite_bot: Signaalbot, kind: str) -> None:
    t = sqlite_bot.services.translator("nl")
    forms = await all_forms(sqlite_bot)
    text = CLIENT_DATA[kind]
    checked = 0
    for form, field in typed_inputs(forms):
        if field.kind == "date":
            continue  # a date field holds a deadline; a sentence is refused there anyway
        value = text[: field.max_length]
        errors = validate_form(form, {field.name: value}, t)
        refused = "persoonsgegevens" in errors.get(field.name, "")
        if field.holds == "staff_name" and kind == "name":
            assert not refused, (form.form_id, field.name, errors)
        else:
            assert refused, (form.form_id, field.name, errors)
            assert CLIENT_DATA[kind] not in errors[field.name]
        checked += 1
    assert checked >= 20


async def test_staff_fields_are_the_colleague_names_only(sqlite_bot: Signaalbot) -> None:
    forms = await all_forms(sqlite_bot)
    staff = sorted(
        {
            f"{form.form_id}:{field.name}"
            for form, field in typed_inputs(forms)
            if field.holds == "staff_name"
        }
    )
    assert staff == [
        "cycle.handover:colleague",
        "cycle.reassign:colleague",
        *(f"cycle.start:owner_{s.number}" for s in sqlite_bot.services.domain.stages),
        "question.new:needed_by_whom",
        "study.new:source",
        "weigh.step:onderzoeker",
    ]
