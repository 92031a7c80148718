"""A stage owner answers their prompt: done (with the output), postpone, or hand over to a colleague."""

from __future__ import annotations

from cycle import engine, stage_actions
from cycle.prompts import (
    decision_prompt,
)
from handlers.cycle_common import (
    FORM_HANDOVER,
    FORM_OUTPUT,
    FORM_REASSIGN,
    find_person,
    stage_for,
    stage_still_due,
)
from kernel.core import (
    Action,
    Form,
    Input,
    Reply,
    Submit,
)
from storage.domain import CycleStage
from turn.context import TurnContext
from turn.forms import cleaned, validate_submit


def output_form(ctx: TurnContext, stage: CycleStage) -> Form:
    config = ctx.services.domain.stages[stage.number - 1]
    return Form(
        form_id=FORM_OUTPUT,
        title=ctx.t("cycle.output_title", stage=config.name(ctx.actor.locale)),
        submit_label=ctx.t("cycle.output_submit"),
        inputs=(
            Input(
                name="output",
                label=config.output(ctx.actor.locale),
                kind="multiline",
                hint=ctx.t("cycle.output_hint"),
                min_length=10,
                max_length=3000,
            ),
        ),
        context=str(stage.id),
    )


async def done_clicked(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Action)
    stage = await stage_for(ctx, ctx.event.value)
    if stage is not None:
        await ctx.reply(Reply(blocks=(output_form(ctx, stage),)))


async def output_submitted(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Submit)
    stage = await stage_for(ctx, ctx.event.context)
    if stage is None:
        return
    errors = await validate_submit(ctx, output_form(ctx, stage))
    if errors:
        await ctx.reply(Reply(errors=errors))
        return
    output = cleaned(ctx.event.values)["output"]
    kit = engine.kit_for(ctx.services)
    async with ctx.uow() as uow:
        done = await stage_actions.complete_stage(
            uow, stage, ctx.actor.person_id, output, ctx.now(), kit
        )
        found = await uow.cycles.get(stage.cycle_id)
        names = await uow.cycles.recipients(done.next_stage.owner_ids if done.next_stage else ())
        await uow.commit()
    if not done.done:
        await ctx.say("cycle.stage_not_active")
        return
    if done.next_stage is not None and done.next_stage.due_on is not None:
        following = ctx.services.domain.stages[done.next_stage.number - 1]
        await ctx.say(
            "cycle.stage_done_next",
            stage=following.name(ctx.actor.locale),
            owners=", ".join(p.name or "?" for p in names.values()) or "-",
            due=ctx.t.date(done.next_stage.due_on),
        )
        return
    await ctx.say("cycle.stage_done_last")
    if found is not None:
        await ctx.reply(decision_prompt(ctx.t, cycle_id=found.id, title=found.title))


async def postpone_clicked(ctx: TurnContext) -> None:
    stage = await stage_still_due(ctx)
    if stage is None:
        return
    kit = engine.kit_for(ctx.services)
    async with ctx.uow() as uow:
        new_due = await stage_actions.postpone(uow, stage, ctx.actor.person_id, ctx.now(), kit)
        await uow.commit()
    if new_due is None:
        await ctx.say("cycle.postpone_limit", count=kit.rules.max_postponements)
        return
    left = kit.rules.max_postponements - stage.postponements - 1
    await ctx.say("cycle.postponed", due=ctx.t.date(new_due), count=left)


def colleague_form(ctx: TurnContext, form_id: str, stage: CycleStage) -> Form:
    return Form(
        form_id=form_id,
        title=ctx.t("cycle.handover_title" if form_id == FORM_HANDOVER else "cycle.reassign_title"),
        submit_label=ctx.t("cycle.handover_submit"),
        inputs=(
            Input(
                name="colleague",
                label=ctx.t("cycle.colleague_label"),
                hint=ctx.t("cycle.colleague_hint"),
                holds="staff_name",
                max_length=200,
            ),
        ),
        context=str(stage.id),
    )


async def handover_clicked(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Action)
    stage = await stage_for(ctx, ctx.event.value)
    if stage is not None:
        await ctx.reply(Reply(blocks=(colleague_form(ctx, FORM_HANDOVER, stage),)))


async def _colleague_submitted(ctx: TurnContext, *, leader: bool) -> None:
    assert isinstance(ctx.event, Submit)
    stage = await stage_for(ctx, ctx.event.context, leader_only=leader)
    if stage is None:
        return
    form = colleague_form(ctx, FORM_REASSIGN if leader else FORM_HANDOVER, stage)
    errors = await validate_submit(ctx, form)
    if errors:
        await ctx.reply(Reply(errors=errors))
        return
    name = cleaned(ctx.event.values)["colleague"]
    kit = engine.kit_for(ctx.services)
    async with ctx.uow() as uow:
        person_id, error = await find_person(uow, name)
        if person_id is None:
            await ctx.reply(Reply(errors={"colleague": ctx.t(error, name=name[:80])}))
            return
        from_person = None if leader else ctx.actor.person_id
        new_due = await stage_actions.hand_over(
            uow, stage, from_person, person_id, ctx.now(), kit, actor_id=ctx.actor.person_id
        )
        await uow.commit()
    due = new_due or stage.due_on
    await ctx.say("cycle.handed_over", name=name[:80], due=ctx.t.date(due) if due else "-")


async def handover_submitted(ctx: TurnContext) -> None:
    await _colleague_submitted(ctx, leader=False)


async def reassign_submitted(ctx: TurnContext) -> None:
    await _colleague_submitted(ctx, leader=True)


# --- programme leader buttons -----------------------------------------------------------------
