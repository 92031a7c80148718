"""Helpers for handler tests: people with roles, and a filled-in signal form."""

from __future__ import annotations

from kernel.core import Action, Buttons, Identity, Reply, Submit
from tests.helpers import person
from turn.pipeline import Signaalbot

FORM = {
    "theme": "inwonerservaring",
    "subdomain": "wmo",
    "affected": "ouderen",
    "area": "hele-gemeente",
    "since": "lt3m",
    "frequency": "weekly",
    "org_type": "municipality",
}


def signal_values(text: str, **overrides: str) -> dict[str, str]:
    return {"text": text, **FORM, **overrides}


async def report_signal(bot: Signaalbot, who: Identity, text: str, **overrides: str) -> list[Reply]:
    return await bot.handle(
        who, Submit(form_id="signal.report", values=signal_values(text, **overrides))
    )


async def report_new_signal(
    bot: Signaalbot, who: Identity, text: str, **overrides: str
) -> list[Reply]:
    """Report a signal; when similar ones are shown, answer "nee, dit is nieuw"."""
    replies = await report_signal(bot, who, text, **overrides)
    offers_new = any(
        isinstance(block, Buttons) and any(b.action_id == "signal.match.new" for b in block.buttons)
        for reply in replies
        for block in reply.blocks
    )
    if offers_new:
        return await bot.handle(who, Action(action_id="signal.match.new"))
    return replies


async def with_role(bot: Signaalbot, name: str, *roles: str, locale: str | None = None) -> Identity:
    """A console person holding exactly ``roles``."""
    who = person(name, locale=locale)
    now = bot.services.clock.now()
    async with bot.services.uow() as uow:
        found = await uow.people.find_by_identity("console", name)
        if found is None:
            await uow.people.create(
                platform="console",
                user_id=name,
                now=now,
                display_name=name,
                roles=frozenset(roles),
                org_type="provider" if "provider" in roles else "municipality",
                locale=locale,
            )
        else:
            await uow.people.set_roles(found.id, frozenset(roles))
        await uow.commit()
    return who
