"""Small helpers for driving the bot in tests without a platform."""

from __future__ import annotations

from typing import Any

from bot.bootstrap import bootstrap
from kernel.clock import Clock
from kernel.core import Action, Command, Identity, Message, Platform, Reply, Submit
from kernel.settings import Settings
from turn.pipeline import Signaalbot


def person(name: str, platform: Platform = Platform.CONSOLE, locale: str | None = None) -> Identity:
    return Identity(platform=platform, user_id=name, display_name=name, locale=locale)


async def say(bot: Signaalbot, who: Identity, text: str) -> list[Reply]:
    return await bot.handle(who, bot.parse_text(text))


async def act(
    bot: Signaalbot, who: Identity, event: Command | Message | Action | Submit
) -> list[Reply]:
    return await bot.handle(who, event)


def texts(replies: list[Reply]) -> str:
    return "\n".join(r.plain_text for r in replies)


async def bootstrap_bot(
    settings: Settings, clock: Clock | None = None, **options: Any
) -> Signaalbot:
    """The bot of a freshly bootstrapped runtime (the scheduler is not started); close it with
    ``await bot.services.db.dispose()``."""
    return (await bootstrap(settings, clock, **options)).bot
