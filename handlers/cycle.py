"""The chat side of the learning cycle: starting one, answering prompts, escalations.

Buttons arrive as :class:`Action` events with the stage (or cycle) id in ``value``; forms as
:class:`Submit` with the id in ``context``. Each step checks that the stage is still where the
prompt said it was, so a second click on an old prompt does nothing twice.
"""

from __future__ import annotations

from datetime import date

from cycle import engine
from cycle.prompts import (
    ACTION_CLOSE,
    ACTION_DONE,
    ACTION_EXTEND,
    ACTION_HANDOVER,
    ACTION_NEXT_ROUND,
    ACTION_POSTPONE,
    ACTION_REASSIGN,
    ACTION_REMIND,
    decision_prompt,
)
from kernel.core import (
    Action,
    Command,
    FieldItem,
    Fields,
    Form,
    Input,
    Reply,
    Role,
    Submit,
    Text,
)
from storage.repositories.cycle import CycleStage, LearningCycle
from storage.uow import UnitOfWork
from turn.context import TurnContext
from turn.forms import cleaned, validate_form
from turn.router import Router

FORM_START = "cycle.start"
FORM_OUTPUT = "cycle.output"
FORM_HANDOVER = "cycle.handover"
FORM_REASSIGN = "cycle.reassign"
FORM_CONCLUSION = "cycle.conclusion"
LEADERS = (Role.PROGRAMME_LEADER,)
STARTERS = (Role.PROGRAMME_LEADER, Role.RESEARCH_DESK)


def _int(value: str) -> int | None:
    head = value.split(":", 1)[0].strip()
    return int(head) if head.isdigit() and len(head) < 12 else None


def _due_of(value: str) -> date | None:
    _, _, tail = value.partition(":")
    try:
        return date.fromisoformat(tail) if tail else None
    except ValueError:
        return None


def _is_leader(ctx: TurnContext) -> bool:
    return ctx.actor.has(Role.PROGRAMME_LEADER)


async def _stage_for(ctx: TurnContext, raw: str, *, leader_only: bool = False) -> CycleStage | None:
    """The stage a button is about, when it is active and the actor may act on it."""
    stage_id = _int(raw)
    async with ctx.uow() as uow:
        stage = await uow.cycles.get_stage(stage_id) if stage_id is not None else None
    if stage is None:
        await ctx.say("cycle.not_found")
        return None
    allowed = _is_leader(ctx) or (not leader_only and ctx.actor.person_id in stage.owner_ids)
    if not allowed:
        await ctx.say("core.not_allowed")
        return None
    if stage.status != "active":
        await ctx.say("cycle.stage_not_active")
        return None
    return stage


async def find_person(uow: UnitOfWork, name: str) -> tuple[int | None, str]:
    """A colleague by display name (or console name); returns (id, error key)."""
    name = name.strip()[:200]
    people = await uow.people.find_by_name(name)
    if not people:
        for platform in ("console", "slack", "teams"):
            person = await uow.people.find_by_identity(platform, name)
            if person is not None and not person.erased:
                return person.id, ""
        return None, "cycle.person_unknown"
    if len(people) > 1:
        return None, "cycle.person_ambiguous"
    return people[0].id, ""


# --- starting and listing ---------------------------------------------------------------------


def start_form(ctx: TurnContext, title: str = "", study_ref: str = "") -> Form:
    t = ctx.t
    owners = tuple(
        Input(
            name=f"owner_{s.number}",
            label=t("cycle.owner_label", number=s.number, stage=s.name(ctx.actor.locale)),
            required=False,
            hint=t("cycle.owner_hint"),
            max_length=200,
        )
        for s in ctx.services.domain.stages
    )
    return Form(
        form_id=FORM_START,
        title=t("cycle.start_form_title"),
        submit_label=t("cycle.start_submit"),
        inputs=(
            Input(name="title", label=t("cycle.title_label"), initial=title, max_length=500),
            *owners,
        ),
        context=study_ref,
    )


async def start_command(ctx: TurnContext) -> None:
    text = ctx.event.text.strip() if isinstance(ctx.event, Command) else ""
    title, ref = text[:500], ""
    if text:
        async with ctx.uow() as uow:
            study = await uow.studies.get_by_ref(text.split()[0])
        if study is not None:
            title, ref = study.title[:500], study.ref
    await ctx.reply(Reply(blocks=(start_form(ctx, title, ref),)))


async def start_submit(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Submit)
    form = start_form(ctx, study_ref=ctx.event.context)
    errors = validate_form(form, ctx.event.values, ctx.t)
    values = cleaned(ctx.event.values)
    owners: dict[int, list[int]] = {}
    now = ctx.now()
    async with ctx.uow() as uow:
        for stage in ctx.services.domain.stages:
            name = values.get(f"owner_{stage.number}", "")
            if not name:
                owners[stage.number] = [ctx.actor.person_id]
                continue
            person_id, error = await find_person(uow, name)
            if person_id is None:
                errors[f"owner_{stage.number}"] = ctx.t(error, name=name[:80])
            else:
                owners[stage.number] = [person_id]
        if errors:
            await ctx.reply(Reply(errors=errors))
            return
        study = await uow.studies.get_by_ref(ctx.event.context) if ctx.event.context else None
        kit = engine.kit_for(ctx.services)
        started = await engine.start_cycle(
            uow,
            title=values["title"],
            owners_by_stage=owners,
            now=now,
            kit=kit,
            study_id=study.id if study else None,
            started_by_id=ctx.actor.person_id,
        )
        await uow.commit()
    first = started.stage(1)
    due = ctx.t.date(first.due_on) if first and first.due_on else "-"
    await ctx.say("cycle.started", id=started.id, title=started.title, due=due)


async def list_cycles(ctx: TurnContext) -> None:
    async with ctx.uow() as uow:
        cycles = await uow.cycles.find(
            person_id=None if _is_leader(ctx) else ctx.actor.person_id, limit=30
        )
    cycles = [c for c in cycles if c.status != "closed"]
    if not cycles:
        await ctx.say("cycle.list_empty")
        return
    t = ctx.t
    lines = []
    for c in cycles:
        stage = c.stage(c.current_stage)
        lines.append(
            t(
                "cycle.list_line",
                id=c.id,
                title=c.title or "-",
                stage=ctx.services.domain.stages[c.current_stage - 1].name(ctx.actor.locale),
                status=t(f"cycle.status_{c.status}"),
                due=t.date(stage.due_on) if stage and stage.due_on else "-",
            )
        )
    await ctx.reply(
        Reply(
            blocks=(Text(text=t("cycle.list_title"), style="header"), Text(text="\n".join(lines)))
        )
    )


async def show_cycle(ctx: TurnContext) -> None:
    text = ctx.event.text.strip() if isinstance(ctx.event, Command) else ""
    cycle_id = _int(text.lstrip("#")) if text else None
    if cycle_id is None:
        await list_cycles(ctx)
        return
    async with ctx.uow() as uow:
        found = await uow.cycles.get(cycle_id)
        people = await uow.cycles.recipients(
            p for s in (found.stages if found else ()) for p in s.owner_ids
        )
    if found is None or not (_is_leader(ctx) or _involved(ctx, found)):
        await ctx.say("cycle.not_found")
        return
    await ctx.reply(cycle_card(ctx, found, {p.person_id: p.name for p in people.values()}))


def _involved(ctx: TurnContext, found: LearningCycle) -> bool:
    pid = ctx.actor.person_id
    return found.started_by_id == pid or any(pid in s.owner_ids for s in found.stages)


def cycle_card(ctx: TurnContext, found: LearningCycle, names: dict[int, str]) -> Reply:
    t, locale = ctx.t, ctx.actor.locale
    items = []
    for stage in found.stages:
        config = ctx.services.domain.stages[stage.number - 1]
        owners = ", ".join(names.get(p, "?") for p in stage.owner_ids) or "-"
        value = t(
            "cycle.stage_line",
            status=t(f"cycle.stage_status_{stage.status}"),
            owners=owners,
            due=t.date(stage.due_on) if stage.due_on else "-",
            count=stage.postponements,
        )
        if stage.output.get("text"):
            value += "\n" + str(stage.output["text"])[:500]
        items.append(FieldItem(label=f"{stage.number}. {config.name(locale)}", value=value))
    blocks: list[Text | Fields] = [
        Text(text=t("cycle.card_title", id=found.id, title=found.title or "-"), style="header"),
        Text(
            text=t("cycle.card_status", status=t(f"cycle.status_{found.status}"), round=found.round)
        ),
        Fields(items=tuple(items)),
    ]
    if found.conclusion:
        blocks.append(Text(text=t("cycle.card_conclusion", conclusion=found.conclusion)))
    return Reply(blocks=tuple(blocks))


# --- owner buttons ----------------------------------------------------------------------------


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
    stage = await _stage_for(ctx, ctx.event.value)
    if stage is not None:
        await ctx.reply(Reply(blocks=(output_form(ctx, stage),)))


async def output_submitted(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Submit)
    stage = await _stage_for(ctx, ctx.event.context)
    if stage is None:
        return
    errors = validate_form(output_form(ctx, stage), ctx.event.values, ctx.t)
    if errors:
        await ctx.reply(Reply(errors=errors))
        return
    output = cleaned(ctx.event.values)["output"]
    kit = engine.kit_for(ctx.services)
    async with ctx.uow() as uow:
        done = await engine.complete_stage(uow, stage, ctx.actor.person_id, output, ctx.now(), kit)
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
    assert isinstance(ctx.event, Action)
    stage = await _stage_for(ctx, ctx.event.value)
    if stage is None:
        return
    asked = _due_of(ctx.event.value)
    if asked is not None and asked != stage.due_on:
        await ctx.say("cycle.already_moved", due=ctx.t.date(stage.due_on) if stage.due_on else "-")
        return
    kit = engine.kit_for(ctx.services)
    async with ctx.uow() as uow:
        new_due = await engine.postpone(uow, stage, ctx.actor.person_id, ctx.now(), kit)
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
                max_length=200,
            ),
        ),
        context=str(stage.id),
    )


async def handover_clicked(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Action)
    stage = await _stage_for(ctx, ctx.event.value)
    if stage is not None:
        await ctx.reply(Reply(blocks=(colleague_form(ctx, FORM_HANDOVER, stage),)))


async def _colleague_submitted(ctx: TurnContext, *, leader: bool) -> None:
    assert isinstance(ctx.event, Submit)
    stage = await _stage_for(ctx, ctx.event.context, leader_only=leader)
    if stage is None:
        return
    form = colleague_form(ctx, FORM_REASSIGN if leader else FORM_HANDOVER, stage)
    errors = validate_form(form, ctx.event.values, ctx.t)
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
        new_due = await engine.hand_over(
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


async def remind_clicked(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Action)
    stage = await _stage_for(ctx, ctx.event.value, leader_only=True)
    if stage is None:
        return
    kit = engine.kit_for(ctx.services)
    async with ctx.uow() as uow:
        found = await uow.cycles.get(stage.cycle_id)
        assert found is not None
        count = await engine.remind_again(
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
    stage = await _stage_for(ctx, ctx.event.value, leader_only=True)
    if stage is not None:
        await ctx.reply(Reply(blocks=(colleague_form(ctx, FORM_REASSIGN, stage),)))


async def extend_clicked(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Action)
    stage = await _stage_for(ctx, ctx.event.value, leader_only=True)
    if stage is None:
        return
    asked = _due_of(ctx.event.value)
    if asked is not None and asked != stage.due_on:
        await ctx.say("cycle.already_moved", due=ctx.t.date(stage.due_on) if stage.due_on else "-")
        return
    kit = engine.kit_for(ctx.services)
    async with ctx.uow() as uow:
        new_due = await engine.extend(uow, stage, ctx.actor.person_id, ctx.now(), kit)
        await uow.commit()
    await ctx.say("cycle.extended", due=ctx.t.date(new_due))


# --- after stage 4 ----------------------------------------------------------------------------


async def _deciding_cycle(ctx: TurnContext, raw: str) -> LearningCycle | None:
    cycle_id = _int(raw)
    async with ctx.uow() as uow:
        found = await uow.cycles.get(cycle_id) if cycle_id is not None else None
    if found is None:
        await ctx.say("cycle.not_found")
        return None
    last = found.stages[-1] if found.stages else None
    if not (_is_leader(ctx) or (last is not None and ctx.actor.person_id in last.owner_ids)):
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
        started = await engine.next_round(uow, found, ctx.actor.person_id, ctx.now(), kit)
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
    errors = validate_form(conclusion_form(ctx, found.id), ctx.event.values, ctx.t)
    if errors:
        await ctx.reply(Reply(errors=errors))
        return
    conclusion = cleaned(ctx.event.values)["conclusion"]
    async with ctx.uow() as uow:
        closed = await engine.close_cycle(uow, found, ctx.actor.person_id, conclusion, ctx.now())
        await uow.commit()
    await ctx.say("cycle.closed" if closed else "cycle.already_decided", id=found.id)


def register(router: Router) -> None:
    router.command("cycle_start", roles=STARTERS)(start_command)
    router.submit(FORM_START, roles=STARTERS)(start_submit)
    router.command("cycles")(list_cycles)
    router.command("cycle")(show_cycle)
    router.action(ACTION_DONE)(done_clicked)
    router.submit(FORM_OUTPUT)(output_submitted)
    router.action(ACTION_POSTPONE)(postpone_clicked)
    router.action(ACTION_HANDOVER)(handover_clicked)
    router.submit(FORM_HANDOVER)(handover_submitted)
    router.action(ACTION_REMIND, roles=LEADERS)(remind_clicked)
    router.action(ACTION_REASSIGN, roles=LEADERS)(reassign_clicked)
    router.submit(FORM_REASSIGN, roles=LEADERS)(reassign_submitted)
    router.action(ACTION_EXTEND, roles=LEADERS)(extend_clicked)
    router.action(ACTION_NEXT_ROUND)(next_round_clicked)
    router.action(ACTION_CLOSE)(close_clicked)
    router.submit(FORM_CONCLUSION)(conclusion_submitted)
