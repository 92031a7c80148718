"""Help, language choice and the answer to anything we do not understand."""

from __future__ import annotations

from kernel.core import Message, Reply, Text
from kernel.i18n import SUPPORTED_LOCALES
from turn.context import TurnContext
from turn.router import MAX_TYPED_CHARS, TOO_LONG, Router


async def help_(ctx: TurnContext) -> None:
    t = ctx.t
    await ctx.reply(
        Reply(
            blocks=(
                Text(text=t("core.help_title"), style="header"),
                Text(text=t("core.help_intro")),
                Text(text=t("core.help_commands")),
            )
        )
    )


async def language(ctx: TurnContext) -> None:
    """``taal en``: a person's own choice of language wins over the platform's locale."""
    assert not isinstance(ctx.event, Message)
    choice = getattr(ctx.event, "text", "").strip().lower()[:2]
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
    await ctx.reply(
        Reply(blocks=(Text(text=ctx.services.translator(choice)("core.language_set")),))
    )


async def fallback(ctx: TurnContext) -> None:
    text = getattr(ctx.event, "text", "")
    if not text.strip():
        await ctx.say("core.empty_message")
        return
    await ctx.say("core.unknown_command")
    await help_(ctx)


async def too_long(ctx: TurnContext) -> None:
    """What someone hears who typed (or pasted) more than :data:`MAX_TYPED_CHARS`."""
    length = getattr(ctx.event, "text", "")
    await ctx.say("core.message_too_long", max=MAX_TYPED_CHARS, length=length)


def register(router: Router) -> None:
    router.command("help", "hulp", "?", "signaalbot", "signaalbot help")(help_)
    router.command("taal", "language")(language)
    router.message()(fallback)
    router.command(TOO_LONG)(too_long)
