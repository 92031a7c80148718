"""Research questions and the six-step weighing (afwegingskader).

A question (what, why it matters, linked signals, who needs the answer, by when) gets a
reference V-YYYY-NNNN. The research desk then works through the weighing card in order —
1 urgentie, 2 kennislacune (linked studies), 3 slim combineren, 4 haalbaarheid, 5 bestaande
data, 6 belasting — and ends with a recommendation (oppakken, combineren, parkeren, afwijzen)
with reasons. The requester and the followers of linked signals hear the outcome.
"""

from __future__ import annotations

import re
from datetime import date

from handlers.intake import (
    DESK,
    load_visible_signal,
    neutralise,
    short,
    themes,
    words,
)
from handlers.triage import TRANSITIONS, set_status
from handlers.weighing import (
    ADVICE_FORM,
    STEP_FORM,
    load_question,
    submit_advice,
    submit_step,
    weigh,
)
from kernel.core import Form, Input, Option, Reply, Role, Submit, Text
from storage.domain import ResearchQuestion
from storage.uow import UnitOfWork
from turn.context import TurnContext
from turn.forms import cleaned, validate_submit
from turn.router import Router
from turn.state import draft_flow

QUESTION_FORM = "question.new"
# Free text: Slack/HTML markup is neutralised before it is stored.
FREE_TEXT = ("question", "why", "needed_by_whom")
_REF_SPLIT = re.compile(r"[\s,;]+")


# --- the question -------------------------------------------------------------------------


async def question_form(ctx: TurnContext, uow: UnitOfWork, initial: dict[str, str]) -> Form:
    t, locale = ctx.t, ctx.actor.locale
    all_themes = [*await themes(uow, ctx, "theme"), *await themes(uow, ctx, "subdomain")]
    theme_opts = tuple(Option(label=th.name(locale), value=th.key) for th in all_themes)
    return Form(
        form_id=QUESTION_FORM,
        title=t("intake.question_title"),
        submit_label=t("intake.question_submit"),
        inputs=(
            Input(
                name="question",
                label=t("intake.question_label"),
                hint=t("intake.question_hint"),
                kind="multiline",
                min_length=20,
                max_length=2000,
                initial=initial.get("question", ""),
            ),
            Input(
                name="why",
                label=t("intake.question_why_label"),
                kind="multiline",
                min_length=10,
                max_length=2000,
                initial=initial.get("why", ""),
            ),
            Input(
                name="signals",
                label=t("intake.question_signals_label"),
                hint=t("intake.question_signals_hint"),
                required=False,
                max_length=300,
                initial=initial.get("signals", ""),
            ),
            Input(
                name="needed_by_whom",
                label=t("intake.question_whom_label"),
                holds="staff_name",
                required=False,
                max_length=300,
                initial=initial.get("needed_by_whom", ""),
            ),
            Input(
                name="needed_by",
                label=t("intake.question_when_label"),
                hint=t("intake.question_when_hint"),
                kind="date",
                required=False,
                max_length=10,
                initial=initial.get("needed_by", ""),
            ),
            Input(
                name="theme",
                label=t("signals.theme_label"),
                kind="select",
                options=theme_opts,
                initial=initial.get("theme", ""),
            ),
        ),
    )


async def start_question(ctx: TurnContext) -> None:
    """``vraag [S-…]``: the question form; signal references typed after it are linked."""
    refs = " ".join(w for w in words(ctx) if w.upper().startswith("S-"))
    async with ctx.uow() as uow:
        draft = await uow.conversations.get(
            ctx.actor.platform.value, ctx.actor.user_id, draft_flow(QUESTION_FORM)
        )
        initial = {k: str(v) for k, v in (draft or {}).items()}
        if refs:
            initial["signals"] = refs
        form = await question_form(ctx, uow, initial)
        await uow.commit()  # claims the delivery key in this transaction
    await ctx.reply(Reply(blocks=(form,)))


async def submit_question(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Submit)
    t = ctx.t
    async with ctx.uow() as uow:
        form = await question_form(ctx, uow, {})
        errors = await validate_submit(ctx, form, uow)
        values = cleaned(ctx.event.values)
        needed_by: date | None = None
        if values.get("needed_by") and "needed_by" not in errors:
            try:
                needed_by = date.fromisoformat(values["needed_by"])
            except ValueError:
                errors["needed_by"] = t("intake.question_when_invalid")
        signal_ids: list[int] = []
        missing: list[str] = []
        for ref in filter(None, _REF_SPLIT.split(values.get("signals", ""))):
            signal = await uow.signals.get_by_ref(ref)
            if signal is None:
                missing.append(short(ref, 20))
            elif signal.id not in signal_ids:
                signal_ids.append(signal.id)
        if missing and "signals" not in errors:
            errors["signals"] = t("intake.question_signals_unknown", refs=", ".join(missing))
        if errors:
            await ctx.reply(Reply(errors=errors))
            return
        for name in FREE_TEXT:
            values[name], _ = neutralise(values.get(name, ""))
        theme = values.get("theme") or None
        question = await uow.questions.add(
            question=values["question"],
            why=values["why"],
            needed_by_whom=values.get("needed_by_whom", ""),
            needed_by=needed_by,
            theme_key=theme,
            requester_id=ctx.actor.person_id,
            signal_ids=signal_ids,
            now=ctx.now(),
        )
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="question.create",
            entity="question",
            entity_id=question.ref,
            now=ctx.now(),
            details={"signals": len(signal_ids)},
        )
        await uow.conversations.clear(
            ctx.actor.platform.value, ctx.actor.user_id, draft_flow(QUESTION_FORM)
        )
        await uow.commit()
        linked = await _link_signals(ctx, uow, question, signal_ids)
    await ctx.reply(
        Reply(
            blocks=(
                Text(text=t("intake.question_saved", ref=question.ref), style="header"),
                Text(text=t("intake.question_next", ref=question.ref, count=linked)),
            )
        )
    )


async def _link_signals(
    ctx: TurnContext, uow: UnitOfWork, question: ResearchQuestion, signal_ids: list[int]
) -> int:
    """Linked signals move to 'gekoppeld' when the research desk links them (followers hear)."""
    if not ctx.actor.has(Role.RESEARCH_DESK):
        return len(signal_ids)
    for signal in await uow.intake.signals_by_ids(signal_ids):
        if "gekoppeld" in TRANSITIONS.get(signal.status, ()):
            await set_status(
                ctx,
                uow,
                signal,
                "gekoppeld",
                ctx.t("intake.linked_reason", ref=question.ref),
                reply=False,
            )
    return len(signal_ids)


async def link(ctx: TurnContext) -> None:
    """``koppel S-… V-…``: link a signal to a question (status 'gekoppeld', followers hear)."""
    args = words(ctx)
    if len(args) != 2:
        await ctx.say("intake.link_usage")
        return
    async with ctx.uow() as uow:
        signal = await load_visible_signal(ctx, uow, args[0])
        if signal is None:
            return
        question = await load_question(ctx, uow, args[1])
        if question is None:
            return
        await uow.questions.link_signals(question.id, [signal.id])
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="question.link",
            entity="question",
            entity_id=question.ref,
            now=ctx.now(),
            details={"signal": signal.ref},
        )
        await uow.commit()
        await _link_signals(ctx, uow, question, [signal.id])
        await uow.commit()
    await ctx.say("intake.linked", ref=signal.ref, question=question.ref)


def register(router: Router) -> None:
    router.command("question")(start_question)
    router.submit(QUESTION_FORM)(submit_question)
    router.command("weigh", roles=DESK)(weigh)
    router.submit(STEP_FORM, roles=DESK)(submit_step)
    router.submit(ADVICE_FORM, roles=DESK)(submit_advice)
    router.command("link", roles=DESK)(link)
