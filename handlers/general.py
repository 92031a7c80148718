"""Help, language choice and the answer to anything we do not understand.

Why help is generated from the router: the commands a person may use are exactly the routes
whose roles they hold, so the list cannot drift from what the bot really allows. Each line's
text comes from the catalogue (``commands.line.<id>``), with the command word of the person's
own language.
"""

from __future__ import annotations

from collections.abc import Iterable

from babel.lists import format_list

from kernel.core import Actor, Message, Reply, Role, Text
from kernel.i18n import SUPPORTED_LOCALES, Translator
from turn.commands import normalise
from turn.context import TurnContext
from turn.router import MAX_TYPED_CHARS, TOO_LONG, Handler, Route, Router

# What people type after ``taal``/``language``, besides ``nl`` and ``en``.
LANGUAGE_NAMES = {
    "nederlands": "nl",
    "dutch": "nl",
    "engels": "en",
    "english": "en",
}


def help_line(router: Router, t: Translator, route: Route) -> str:
    word = router.vocabulary.shown(route.command, t.locale)
    return "• " + t(f"commands.line.{route.command}", word=word)


def help_sections(router: Router, t: Translator, actor: Actor) -> list[Text]:
    """The commands ``actor`` may use: first those for everyone, then per group of roles."""
    everyone: list[str] = []
    by_roles: dict[frozenset[Role], list[str]] = {}
    for route in router.command_routes():
        if not route.allows(actor.has):
            continue
        if route.roles:
            by_roles.setdefault(route.roles, []).append(help_line(router, t, route))
        else:
            everyone.append(help_line(router, t, route))
    sections = [Text(text="\n".join([t("commands.help_everyone"), *everyone]))]
    for roles, lines in by_roles.items():
        names = format_list(role_names(t, roles), style="or", locale=t.locale)
        sections.append(Text(text="\n".join([t("commands.help_role", roles=names), *lines])))
    return sections


def role_names(t: Translator, roles: Iterable[Role]) -> list[str]:
    order = list(Role)
    return [t(f"commands.role.{role.value}") for role in sorted(roles, key=order.index)]


def find_role(t: Translator, text: str) -> Role | None:
    """A role by its key (``research_desk``) or its name in either language (onderzoeksteam)."""
    wanted = normalise(text).replace(" ", "_")
    for role in Role:
        names = {role.value}
        for locale in SUPPORTED_LOCALES:
            name = t.catalogue.raw(locale, f"commands.role.{role.value}") or ""
            names.add(normalise(name).replace(" ", "_"))
        if wanted in names:
            return role
    return None


def make_help(router: Router) -> Handler:
    async def help_(ctx: TurnContext) -> None:
        """``help``; ``help overzicht`` explains one command; ``help onderzoeksteam`` a role."""
        t = ctx.t
        topic = "" if isinstance(ctx.event, Message) else getattr(ctx.event, "text", "").strip()
        route = router.commands.get(normalise(topic)) if topic else None
        if route is not None and route.command != "help":
            await ctx.reply(Reply(blocks=tuple(command_help(router, ctx, route))))
            return
        role = find_role(t, topic) if topic else None
        actor = (
            ctx.actor if role is None else ctx.actor.model_copy(update={"roles": frozenset({role})})
        )
        title = (
            t("commands.help_title")
            if role is None
            else t("commands.help_for_role", role=t(f"commands.role.{role.value}"))
        )
        example = (
            f"{router.vocabulary.shown('help', t.locale)} "
            f"{router.vocabulary.shown('question', t.locale)}"
        )
        blocks = [
            Text(text=title, style="header"),
            *([Text(text=t("commands.help_intro"))] if role is None else []),
            *help_sections(router, t, actor),
            Text(text=t("commands.help_more", example=example), style="muted"),
        ]
        await ctx.reply(Reply(blocks=tuple(blocks)))

    return help_


def command_help(router: Router, ctx: TurnContext, route: Route) -> list[Text]:
    t = ctx.t
    blocks = [Text(text=help_line(router, t, route))]
    detail_key = f"commands.detail.{route.command}"
    if t.catalogue.raw(t.locale, detail_key) is not None:
        word = router.vocabulary.shown(route.command, t.locale)
        blocks.append(Text(text=t(detail_key, word=word)))
    if not route.allows(ctx.actor.has):
        blocks.append(Text(text=t("commands.help_not_yours"), style="muted"))
    return blocks


async def language(ctx: TurnContext) -> None:
    """``taal en``: a person's own choice of language wins over the platform's locale."""
    assert not isinstance(ctx.event, Message)
    typed = getattr(ctx.event, "text", "").strip().lower()
    choice = LANGUAGE_NAMES.get(typed, typed[:2])
    if choice not in SUPPORTED_LOCALES:
        await ctx.say("core.language_unknown")
        return
    async with ctx.uow() as uow:
        await uow.people.update(ctx.actor.person_id, locale=choice)
        await uow.audit.record(
            actor_id=ctx.actor.person_id,
            action="person.locale",
            entity="person",
            entity_id=ctx.actor.person_id,
            now=ctx.now(),
            details={"locale": choice},
        )
        await uow.commit()
    ctx.actor = ctx.actor.model_copy(update={"locale": choice})  # the rest of the turn speaks it
    await ctx.reply(
        Reply(blocks=(Text(text=ctx.services.translator(choice)("core.language_set")),))
    )


def make_fallback(router: Router) -> Handler:
    help_ = make_help(router)

    async def fallback(ctx: TurnContext) -> None:
        text = getattr(ctx.event, "text", "")
        if not text.strip():
            await ctx.say("core.empty_message")
            return
        await ctx.say("core.unknown_command")
        await help_(ctx)

    return fallback


async def too_long(ctx: TurnContext) -> None:
    """What someone hears who typed (or pasted) more than :data:`MAX_TYPED_CHARS`."""
    length = getattr(ctx.event, "text", "")
    await ctx.say("core.message_too_long", max=MAX_TYPED_CHARS, length=length)


def register(router: Router) -> None:
    router.command("help")(make_help(router))
    router.command("language")(language)
    router.message()(make_fallback(router))
    # Not a word anyone types (the router's name for a too-long text), so not in help.
    router.command(TOO_LONG, words=[TOO_LONG])(too_long)
