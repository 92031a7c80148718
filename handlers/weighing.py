"""The six-step weighing of a research question (afwegingskader) by the research desk.

1 urgentie, 2 kennislacune (linked studies), 3 slim combineren, 4 haalbaarheid, 5 bestaande
data, 6 belasting, one step at a time on one card; then a recommendation (oppakken,
combineren, parkeren, afwijzen) with reasons, which the requester and the followers of linked
signals hear.
"""

from __future__ import annotations

import asyncio
from typing import Any

from handlers.intake import (
    Notice,
    neutralise,
    notify_followers,
    privacy_errors,
    short,
    words,
)
from kernel.core import FieldItem, Fields, Form, Input, Option, Reply, Submit, Text
from kernel.i18n import Translator
from storage.domain import ResearchQuestion
from storage.uow import UnitOfWork
from turn.context import TurnContext
from turn.forms import cleaned

STEP_FORM = "weigh.step"
ADVICE_FORM = "weigh.advice"
STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("urgentie", ("hoog", "midden", "laag")),
    ("kennislacune", ("niet_beantwoord", "deels", "beantwoord")),
    ("combineren", ("ja", "nee")),
    ("haalbaarheid", ("haalbaar", "twijfel", "niet_haalbaar")),
    ("bestaande_data", ("ja", "deels", "nee")),
    ("belasting", ("laag", "midden", "hoog")),
)
RECOMMENDATIONS = ("oppakken", "combineren", "parkeren", "afwijzen")


def steps_done(question: ResearchQuestion) -> int:
    """How many steps are done, in order."""
    count = 0
    for number in range(1, len(STEPS) + 1):
        if str(number) not in question.weighing:
            break
        count = number
    return count


async def weigh(ctx: TurnContext) -> None:
    """``afweging V-…``: the card with the steps done so far and the next step to fill in."""
    args = words(ctx)
    async with ctx.uow() as uow:
        question = await load_question(ctx, uow, args[0] if args else "")
        if question is None:
            return
    await ctx.reply(await weighing_card(ctx, question))


async def load_question(ctx: TurnContext, uow: UnitOfWork, ref: str) -> ResearchQuestion | None:
    question = await uow.questions.get_by_ref(ref) if ref else None
    if question is None:
        await ctx.say("intake.question_not_found" if ref else "intake.ref_missing", ref=short(ref))
    return question


def summary_lines(t: Translator, question: ResearchQuestion) -> list[FieldItem]:
    items = []
    for number, (step, _options) in enumerate(STEPS, start=1):
        entry = question.weighing.get(str(number))
        if not isinstance(entry, dict):
            continue
        value = t(f"intake.weigh_option.{entry.get('oordeel', '')}")
        if entry.get("toelichting"):
            value += f" – {entry['toelichting']}"
        items.append(FieldItem(label=f"{number}. {t(f'intake.weigh_step.{step}')}", value=value))
    return items


async def weighing_card(ctx: TurnContext, question: ResearchQuestion) -> Reply:
    t = ctx.t
    blocks: list[Any] = [
        Text(text=t("intake.weigh_title", ref=question.ref), style="header"),
        Text(text=question.question),
    ]
    items = summary_lines(t, question)
    if items:
        blocks.append(Fields(items=tuple(items)))
    done = steps_done(question)
    if question.recommendation:
        blocks.append(
            Text(
                text=t(
                    "intake.weigh_recommended",
                    recommendation=t(f"intake.recommendation.{question.recommendation}"),
                    reason=question.recommendation_reason,
                )
            )
        )
        return Reply(blocks=tuple(blocks))
    if done < len(STEPS):
        number = done + 1
        step, options = STEPS[number - 1]
        if step == "kennislacune":
            blocks.extend(await _studies_block(ctx, question))
        blocks.append(
            Form(
                form_id=STEP_FORM,
                title=t(
                    "intake.weigh_step_title",
                    number=number,
                    total=len(STEPS),
                    step=t(f"intake.weigh_step.{step}"),
                ),
                submit_label=t("intake.weigh_step_submit"),
                inputs=(
                    Input(
                        name="oordeel",
                        label=t(f"intake.weigh_question.{step}"),
                        kind="select",
                        options=tuple(
                            Option(label=t(f"intake.weigh_option.{o}"), value=o) for o in options
                        ),
                    ),
                    Input(
                        name="toelichting",
                        label=t("intake.weigh_note_label"),
                        hint=t(f"intake.weigh_hint.{step}"),
                        kind="multiline",
                        required=step == "urgentie",
                        max_length=1000,
                    ),
                ),
                context=f"{question.ref}|{number}",
            )
        )
        return Reply(blocks=tuple(blocks))
    advice, reasons = suggest(t, question)
    blocks.append(
        Text(text=t("intake.weigh_suggestion", recommendation=t(f"intake.recommendation.{advice}")))
    )
    blocks.append(
        Form(
            form_id=ADVICE_FORM,
            title=t("intake.advice_title", ref=question.ref),
            submit_label=t("intake.advice_submit"),
            inputs=(
                Input(
                    name="recommendation",
                    label=t("intake.advice_label"),
                    kind="select",
                    options=tuple(
                        Option(label=t(f"intake.recommendation.{r}"), value=r)
                        for r in RECOMMENDATIONS
                    ),
                    initial=advice,
                ),
                Input(
                    name="reason",
                    label=t("intake.advice_reason_label"),
                    kind="multiline",
                    max_length=2000,
                    initial=reasons,
                ),
            ),
            context=question.ref,
        )
    )
    return Reply(blocks=tuple(blocks))


async def _studies_block(ctx: TurnContext, question: ResearchQuestion) -> list[Any]:
    """Step 2 shows studies that may already answer the question (from the matcher)."""
    t = ctx.t
    matcher = ctx.services.matcher
    # The encoder runs in a worker thread, so other people's turns go on meanwhile.
    vector = await asyncio.to_thread(matcher.encode_query, question.question)
    hits = [
        h
        for h in matcher.search(question.question, kind="study", limit=3, vector=vector)
        if matcher.worth_showing(h)
    ]
    if not hits:
        return [Text(text=t("intake.weigh_no_studies"), style="muted")]
    lines = [
        t("intake.weigh_study_line", ref=h.ref, title=h.title, score=round(float(h.score)))
        for h in hits
    ]
    return [Text(text=t("intake.weigh_studies_found") + "\n" + "\n".join(lines))]


def suggest(t: Translator, question: ResearchQuestion) -> tuple[str, str]:
    """A recommendation from the six answers, with the reasons in words."""
    answer = {
        step: str((question.weighing.get(str(n)) or {}).get("oordeel", ""))
        for n, (step, _) in enumerate(STEPS, start=1)
    }
    if answer["kennislacune"] == "beantwoord":
        advice, why = "afwijzen", "answered"
    elif answer["haalbaarheid"] == "niet_haalbaar":
        advice, why = "parkeren", "not_feasible"
    elif answer["combineren"] == "ja":
        advice, why = "combineren", "combine"
    elif answer["urgentie"] == "laag" and answer["belasting"] == "hoog":
        advice, why = "parkeren", "low_urgency_high_burden"
    else:
        advice, why = "oppakken", "take_up"
    reasons = [t(f"intake.advice_why.{why}")]
    if answer["bestaande_data"] in {"ja", "deels"}:
        reasons.append(t("intake.advice_why.existing_data"))
    if answer["belasting"] == "hoog" and advice == "oppakken":
        reasons.append(t("intake.advice_why.burden"))
    return advice, " ".join(reasons)


async def submit_step(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Submit)
    ref, _, number_text = ctx.event.context.partition("|")
    t = ctx.t
    values = cleaned(ctx.event.values)
    async with ctx.uow() as uow:
        question = await load_question(ctx, uow, ref)
        if question is None:
            return
        number = int(number_text) if number_text.isdigit() else 0
        done = steps_done(question)
        if question.recommendation or not 1 <= number <= len(STEPS) or number != done + 1:
            await ctx.say("intake.weigh_out_of_order", ref=question.ref, step=min(done + 1, 6))
            await ctx.reply(await weighing_card(ctx, question))
            return
        step, options = STEPS[number - 1]
        errors: dict[str, str] = {}
        if values.get("oordeel") not in options:
            errors["oordeel"] = t("core.field_pick_option")
        if step == "urgentie" and not values.get("toelichting"):
            errors["toelichting"] = t("core.field_required")
        if len(values.get("toelichting", "")) > 1000:
            errors["toelichting"] = t(
                "core.field_too_long", max=1000, length=len(values["toelichting"])
            )
        errors.update(privacy_errors(t, values, ("toelichting",)))
        if errors:
            await ctx.reply(Reply(errors=errors))
            return
        note, _ = neutralise(values.get("toelichting", ""))
        weighing = {
            **question.weighing,
            str(number): {"oordeel": values["oordeel"], "toelichting": note},
        }
        question = await uow.questions.update(
            question.id, ctx.now(), weighing=weighing, status="in_weging"
        )
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="question.weigh",
            entity="question",
            entity_id=question.ref,
            now=ctx.now(),
            details={"step": step, "oordeel": values["oordeel"]},
        )
        await uow.commit()
    await ctx.reply(await weighing_card(ctx, question))


async def submit_advice(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Submit)
    t = ctx.t
    values = cleaned(ctx.event.values)
    async with ctx.uow() as uow:
        question = await load_question(ctx, uow, ctx.event.context)
        if question is None:
            return
        if steps_done(question) < len(STEPS):
            await ctx.say(
                "intake.weigh_out_of_order", ref=question.ref, step=steps_done(question) + 1
            )
            return
        errors: dict[str, str] = {}
        if values.get("recommendation") not in RECOMMENDATIONS:
            errors["recommendation"] = t("core.field_pick_option")
        if not values.get("reason"):
            errors["reason"] = t("core.field_required")
        errors.update(privacy_errors(t, values, ("reason",)))
        if errors:
            await ctx.reply(Reply(errors=errors))
            return
        reason, _ = neutralise(values["reason"])
        advice = values["recommendation"]
        question = await uow.questions.update(
            question.id,
            ctx.now(),
            recommendation=advice,
            recommendation_reason=reason,
            status=advice,
        )
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="question.recommend",
            entity="question",
            entity_id=question.ref,
            now=ctx.now(),
            details={"recommendation": advice},
        )
        stamp = ctx.now().isoformat()
        await _tell_requester(ctx, uow, question, stamp)
        notice = Notice(
            key="intake.notice_question",
            params={"ref": question.ref, "recommendation": f"t:intake.recommendation.{advice}"},
            reason=reason,
        )
        for signal in await uow.intake.signals_by_ids(question.signal_ids):
            await notify_followers(
                ctx,
                uow,
                signal,
                notice,
                event_key=f"question-advice:{question.ref}:{signal.ref}:{stamp}",
                skip=[ctx.actor.person_id, question.requester_id or 0],
            )
        await uow.commit()
    await ctx.say(
        "intake.advice_done",
        ref=question.ref,
        recommendation=t(f"intake.recommendation.{advice}"),
    )


async def _tell_requester(
    ctx: TurnContext, uow: UnitOfWork, question: ResearchQuestion, stamp: str
) -> None:
    if question.requester_id is None or question.requester_id == ctx.actor.person_id:
        return
    person = await uow.people.get(question.requester_id)
    if person is None or person.erased:
        return
    t = ctx.services.translator(person.locale, person.timezone)
    reply = Reply(
        blocks=(
            Text(
                text=t(
                    "intake.notice_question",
                    ref=question.ref,
                    recommendation=t(f"intake.recommendation.{question.recommendation}"),
                )
            ),
            Text(text=t("intake.notice_reason", reason=question.recommendation_reason)),
        )
    )
    await uow.outbox.enqueue(
        key=f"question-advice:{question.ref}:{stamp}:{person.id}",
        person_id=person.id,
        payload=reply.model_dump(mode="json"),
        now=ctx.now(),
        office_hours_only=False,  # a notice about their own report: at once
    )
