"""The programme leader acts on a late stage (remind, reassign, extend) and decides what follows a finished cycle (a next round, or close it with a conclusion)."""

from __future__ import annotations

from cycle import engine, stage_actions
from handlers.cycle_common import (
    FORM_CONCLUSION,
    FORM_REASSIGN,
    is_leader,
    parse_int,
    stage_for,
    stage_still_due,
)
from handlers.cycle_stage import colleague_form
from kernel.core import (
    Action,
    Form,
    Input,
    Reply,
    Submit,
)
from storage.domain import LearningCycle
from turn.context import TurnContext
from turn.forms import cleaned, validate_submit


async def remind_clicked(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Action)
    stage = await stage_for(ctx, ctx.event.value, leader_only=True)
    if stage is None:
        return
    kit = engine.kit_for(ctx.services)
    async with ctx.uow() as uow:
        found = await uow.cycles.get(stage.cycle_id)
        assert found is not None
        count = await stage_actions.remind_again(
            uow,
            stage,
            ctx.actor.person_id,
            ctx.now(),
            kit,
            title=found.title,
            round_=found.round,
        )
        await uow.commit()
    await ctx.say("cycle.reminded" if count else "cycle.reminded_already")


async def reassign_clicked(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Action)
    stage = await stage_for(ctx, ctx.event.value, leader_only=True)
    if stage is not None:
        await ctx.reply(Reply(blocks=(colleague_form(ctx, FORM_REASSIGN, stage),)))


async def extend_clicked(ctx: TurnContext) -> None:
    stage = await stage_still_due(ctx, leader_only=True)
    if stage is None:
        return
    kit = engine.kit_for(ctx.services)
    async with ctx.uow() as uow:
        new_due = await stage_actions.extend(uow, stage, ctx.actor.person_id, ctx.now(), kit)
        await uow.commit()
    await ctx.say("cycle.extended", due=ctx.t.date(new_due))


# --- after stage 4 ----------------------------------------------------------------------------


async def _deciding_cycle(ctx: TurnContext, raw: str) -> LearningCycle | None:
    cycle_id = parse_int(raw)
    async with ctx.uow() as uow:
        found = await uow.cycles.get(cycle_id) if cycle_id is not None else None
    if found is None:
        await ctx.say("cycle.not_found")
        return None
    last = found.stages[-1] if found.stages else None
    if not (is_leader(ctx) or (last is not None and ctx.actor.person_id in last.owner_ids)):
        await ctx.say("core.not_allowed")
        return None
    if found.status != "deciding":
        await ctx.say("cycle.already_decided")
        return None
    return found


async def next_round_clicked(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Action)
    found = await _deciding_cycle(ctx, ctx.event.value)
    if found is None:
        return
    kit = engine.kit_for(ctx.services)
    async with ctx.uow() as uow:
        started = await stage_actions.next_round(uow, found, ctx.actor.person_id, ctx.now(), kit)
        await uow.commit()
    if started is None:
        await ctx.say("cycle.already_decided")
        return
    await ctx.say("cycle.next_round_started", id=started.id, round=started.round)


def conclusion_form(ctx: TurnContext, cycle_id: int) -> Form:
    return Form(
        form_id=FORM_CONCLUSION,
        title=ctx.t("cycle.conclusion_title"),
        submit_label=ctx.t("cycle.conclusion_submit"),
        inputs=(
            Input(
                name="conclusion",
                label=ctx.t("cycle.conclusion_label"),
                kind="multiline",
                min_length=10,
                max_length=3000,
            ),
        ),
        context=str(cycle_id),
    )


async def close_clicked(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Action)
    found = await _deciding_cycle(ctx, ctx.event.value)
    if found is not None:
        await ctx.reply(Reply(blocks=(conclusion_form(ctx, found.id),)))


async def conclusion_submitted(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Submit)
    found = await _deciding_cycle(ctx, ctx.event.context)
    if found is None:
        return
    errors = await validate_submit(ctx, conclusion_form(ctx, found.id))
    if errors:
        await ctx.reply(Reply(errors=errors))
        return
    conclusion = cleaned(ctx.event.values)["conclusion"]
    async with ctx.uow() as uow:
        closed = await stage_actions.close_cycle(
            uow, found, ctx.actor.person_id, conclusion, ctx.now()
        )
        await uow.commit()
    await ctx.say("cycle.closed" if closed else "cycle.already_decided", id=found.id)
