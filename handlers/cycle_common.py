"""What the learning-cycle handlers share: form ids, roles, reading ids from buttons, finding a colleague."""

from __future__ import annotations

from datetime import date

from kernel.core import (
    Action,
    Role,
)
from kernel.text import as_id
from storage.domain import CycleStage
from storage.uow import UnitOfWork
from turn.context import TurnContext

FORM_START = "cycle.start"
FORM_OUTPUT = "cycle.output"
FORM_HANDOVER = "cycle.handover"
FORM_REASSIGN = "cycle.reassign"
FORM_CONCLUSION = "cycle.conclusion"
LEADERS = (Role.PROGRAMME_LEADER,)
STARTERS = (Role.PROGRAMME_LEADER, Role.RESEARCH_DESK)


def parse_int(value: str) -> int | None:
    head = value.split(":", 1)[0].strip()
    return as_id(head)


def due_of(value: str) -> date | None:
    _, _, tail = value.partition(":")
    try:
        return date.fromisoformat(tail) if tail else None
    except ValueError:
        return None


def is_leader(ctx: TurnContext) -> bool:
    return ctx.actor.has(Role.PROGRAMME_LEADER)


async def stage_for(ctx: TurnContext, raw: str, *, leader_only: bool = False) -> CycleStage | None:
    """The stage a button is about, when it is active and the actor may act on it."""
    stage_id = parse_int(raw)
    async with ctx.uow() as uow:
        stage = await uow.cycles.get_stage(stage_id) if stage_id is not None else None
    if stage is None:
        await ctx.say("cycle.not_found")
        return None
    allowed = is_leader(ctx) or (not leader_only and ctx.actor.person_id in stage.owner_ids)
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


async def stage_still_due(ctx: TurnContext, *, leader_only: bool = False) -> CycleStage | None:
    """The stage a "move the due date" button names, when its due date is still the one the
    button was made for; otherwise the person hears it has moved already and gets None."""
    assert isinstance(ctx.event, Action)
    stage = await stage_for(ctx, ctx.event.value, leader_only=leader_only)
    if stage is None:
        return None
    asked = due_of(ctx.event.value)
    if asked is not None and asked != stage.due_on:
        await ctx.say("cycle.already_moved", due=ctx.t.date(stage.due_on) if stage.due_on else "-")
        return None
    return stage
