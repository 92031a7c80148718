"""The chat side of the learning cycle: starting one, answering prompts, escalations.

Buttons arrive as :class:`Action` events with the stage (or cycle) id in ``value``; forms as
:class:`Submit` with the id in ``context``. Each step checks that the stage is still where the
prompt said it was, so a second click on an old prompt does nothing twice.
"""

from __future__ import annotations

from cycle import engine, stage_actions
from cycle.prompts import (
    ACTION_CLOSE,
    ACTION_DONE,
    ACTION_EXTEND,
    ACTION_HANDOVER,
    ACTION_NEXT_ROUND,
    ACTION_POSTPONE,
    ACTION_REASSIGN,
    ACTION_REMIND,
)
from handlers.cycle_common import (
    FORM_CONCLUSION,
    FORM_HANDOVER,
    FORM_OUTPUT,
    FORM_REASSIGN,
    FORM_START,
    LEADERS,
    STARTERS,
    find_person,
    is_leader,
    parse_int,
)
from handlers.cycle_leader import (
    close_clicked,
    conclusion_submitted,
    extend_clicked,
    next_round_clicked,
    reassign_clicked,
    remind_clicked,
)
from handlers.cycle_stage import (
    done_clicked,
    handover_clicked,
    handover_submitted,
    output_submitted,
    postpone_clicked,
    reassign_submitted,
)
from kernel.core import (
    Command,
    FieldItem,
    Fields,
    Form,
    Input,
    Reply,
    Submit,
    Text,
)
from storage.domain import LearningCycle
from turn.context import TurnContext
from turn.forms import cleaned, safe_text, validate_submit
from turn.router import Router


def start_form(ctx: TurnContext, title: str = "", study_ref: str = "") -> Form:
    t = ctx.t
    owners = tuple(
        Input(
            name=f"owner_{s.number}",
            label=t("cycle.owner_label", number=s.number, stage=s.name(ctx.actor.locale)),
            required=False,
            hint=t("cycle.owner_hint"),
            holds="staff_name",
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
    # A title typed after the command is prefilled masked: the raw text is never echoed.
    title, ref = safe_text(text[:500]), ""
    if text:
        async with ctx.uow() as uow:
            study = await uow.studies.get_by_ref(text.split()[0])
        if study is not None:
            title, ref = study.title[:500], study.ref
    await ctx.reply(Reply(blocks=(start_form(ctx, title, ref),)))


async def start_submit(ctx: TurnContext) -> None:
    assert isinstance(ctx.event, Submit)
    form = start_form(ctx, study_ref=ctx.event.context)
    errors = await validate_submit(ctx, form)
    values = cleaned(ctx.event.values)
    owners: dict[int, list[int]] = {}
    now = ctx.now()
    async with ctx.uow() as uow:
        for stage in ctx.services.domain.stages:
            name = values.get(f"owner_{stage.number}", "")
            if f"owner_{stage.number}" in errors:
                continue  # refused as typed (personal data): never looked up nor echoed
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
        started = await stage_actions.start_cycle(
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
            person_id=None if is_leader(ctx) else ctx.actor.person_id, limit=30
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
    cycle_id = parse_int(text.lstrip("#")) if text else None
    if cycle_id is None:
        await list_cycles(ctx)
        return
    async with ctx.uow() as uow:
        found = await uow.cycles.get(cycle_id)
        people = await uow.cycles.recipients(
            p for s in (found.stages if found else ()) for p in s.owner_ids
        )
    if found is None or not (is_leader(ctx) or _involved(ctx, found)):
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
