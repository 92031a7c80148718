"""Admin commands: grant and take roles, edit themes and neighbourhoods.

``PERSON`` is a person id (``12``) or ``platform:user_id`` (``slack:T1:U2``, ``console:anna``).
"""

from __future__ import annotations

import re

from handlers.general import find_role
from handlers.intake import area_name, areas, short, themes, words
from kernel.core import Role
from kernel.domain_config import Theme
from kernel.text import as_id
from storage.domain import Person
from storage.uow import UnitOfWork
from turn.context import TurnContext
from turn.router import Router

ADMIN = (Role.ADMIN,)
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{1,59}$")


async def find_person(uow: UnitOfWork, ref: str) -> Person | None:
    """A person by id or by ``platform:user_id``."""
    ref = ref.strip()
    if ref.isdigit():
        person_id = as_id(ref)
        return await uow.people.get(person_id) if person_id is not None else None
    platform, _, user_id = ref.partition(":")
    if not user_id:
        return None
    return await uow.people.find_by_identity(platform.lower(), user_id)


async def _change_role(ctx: TurnContext, grant: bool) -> None:
    args = words(ctx)
    if len(args) < 2:
        await ctx.say("intake.admin_role_usage")
        return
    # The role by its key or by its name in either language ("onderzoeksteam", "research desk").
    found = find_role(ctx.t, " ".join(args[1:]))
    if found is None:
        await ctx.say(
            "intake.admin_role_unknown",
            role=short(" ".join(args[1:])),
            roles=", ".join(_role_label(ctx, r.value) for r in Role),
        )
        return
    role = found.value
    async with ctx.uow() as uow:
        person = await find_person(uow, args[0])
        if person is None or person.erased:
            await ctx.say("intake.admin_person_unknown", person=short(args[0]))
            return
        roles = person.roles | {role} if grant else person.roles - {role}
        if not roles:
            roles = frozenset({Role.PROFESSIONAL.value})
        await uow.people.set_roles(person.id, frozenset(roles))
        if role == Role.PROVIDER.value and grant:
            await uow.people.update(person.id, org_type="provider")
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="person.role_grant" if grant else "person.role_revoke",
            entity="person",
            entity_id=person.id,
            now=ctx.now(),
            details={"role": role},
        )
        await uow.commit()
    await ctx.say(
        "intake.admin_role_granted" if grant else "intake.admin_role_revoked",
        person=person.id,
        role=_role_label(ctx, role),
        roles=", ".join(_role_label(ctx, r) for r in sorted(roles)),
    )


def _role_label(ctx: TurnContext, role: str) -> str:
    """``onderzoeksteam (research_desk)``: the name people read and the key the CLI takes
    (just ``professional`` where the two are the same)."""
    name = ctx.t(f"commands.role.{role}")
    return name if name == role else f"{name} ({role})"


async def grant_role(ctx: TurnContext) -> None:
    await _change_role(ctx, True)


async def revoke_role(ctx: TurnContext) -> None:
    await _change_role(ctx, False)


async def edit_theme(ctx: TurnContext) -> None:
    """``thema toevoegen KEY theme|subdomain Naam NL | Name EN``."""
    text = " ".join(words(ctx))
    match = re.match(r"^(\S+)\s+(theme|thema|subdomain|subdomein)\s+(.+?)\s*\|\s*(.+)$", text)
    if match is None or not _KEY.match(match.group(1)):
        await ctx.say("intake.admin_theme_usage")
        return
    key, kind = match.group(1), "theme" if match.group(2) in {"theme", "thema"} else "subdomain"
    async with ctx.uow() as uow:
        position = len(await themes(uow, ctx, kind))
        existing = await uow.themes.get(key)
        await uow.themes.upsert(
            Theme(
                key=key,
                kind=kind,
                name_nl=match.group(3)[:120],
                name_en=match.group(4)[:120],
                position=existing.position if existing else position,
            )
        )
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="theme.upsert",
            entity="theme",
            entity_id=key,
            now=ctx.now(),
        )
        await uow.commit()
    await ctx.say("intake.admin_theme_saved", key=key)


async def disable_theme(ctx: TurnContext) -> None:
    args = words(ctx)
    async with ctx.uow() as uow:
        theme = await uow.themes.get(args[0]) if args else None
        if theme is None:
            await ctx.say("intake.admin_theme_unknown", key=short(args[0] if args else ""))
            return
        await uow.themes.upsert(
            Theme(theme.key, theme.kind, theme.name_nl, theme.name_en, theme.position, False)
        )
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="theme.disable",
            entity="theme",
            entity_id=theme.key,
            now=ctx.now(),
        )
        await uow.commit()
    await ctx.say("intake.admin_theme_disabled", key=theme.key)


async def add_area(ctx: TurnContext) -> None:
    """``gebied toevoegen KEY Naam``."""
    args = words(ctx)
    if len(args) < 2 or not _KEY.match(args[0]):
        await ctx.say("intake.admin_area_usage")
        return
    name = " ".join(args[1:])[:120]
    async with ctx.uow() as uow:
        await uow.intake.put_area(args[0], name, True, ctx.now())
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="area.upsert",
            entity="area",
            entity_id=args[0],
            now=ctx.now(),
        )
        await uow.commit()
    await ctx.say("intake.admin_area_saved", key=args[0], name=name)


async def disable_area(ctx: TurnContext) -> None:
    args = words(ctx)
    async with ctx.uow() as uow:
        known = {a.key for a in await areas(uow, ctx)}
        if not args or args[0] not in known:
            await ctx.say("intake.admin_area_unknown", key=short(args[0] if args else ""))
            return
        name = await area_name(uow, ctx, args[0])
        await uow.intake.put_area(args[0], name, False, ctx.now())
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="area.disable",
            entity="area",
            entity_id=args[0],
            now=ctx.now(),
        )
        await uow.commit()
    await ctx.say("intake.admin_area_disabled", key=args[0])


async def list_areas(ctx: TurnContext) -> None:
    async with ctx.uow() as uow:
        found = await areas(uow, ctx)
    lines = "\n".join(f"{a.key} · {a.name}" for a in found)
    await ctx.say("intake.admin_areas", areas=lines or "-")


def register(router: Router) -> None:
    router.command("grant_role", roles=ADMIN)(grant_role)
    router.command("revoke_role", roles=ADMIN)(revoke_role)
    router.command("theme_set", roles=ADMIN)(edit_theme)
    router.command("theme_off", roles=ADMIN)(disable_theme)
    router.command("area_add", roles=ADMIN)(add_area)
    router.command("area_off", roles=ADMIN)(disable_area)
    router.command("areas", roles=ADMIN)(list_areas)
