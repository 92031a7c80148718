"""Which language an adapter speaks to a person: their own choice first (``taal en``).

Why a shared helper: the few texts an adapter writes itself (the console's prompts, Teams'
"Kiezen" and "Verstuurd", Slack's "Sluiten") must follow the same choice as the handlers'
texts. The platform's locale (a Teams client set to English) only counts for a person who
never chose, exactly as the pipeline resolves the actor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kernel.core import Platform
from kernel.i18n import Translator
from storage.db import DatabaseUnavailableError

if TYPE_CHECKING:
    from turn.pipeline import Signaalbot


async def person_translator(
    bot: Signaalbot, platform: Platform | str, user_id: str, fallback: str | None = None
) -> Translator:
    """The translator for a person on ``platform``; ``fallback`` is the platform's locale."""
    locale, timezone = fallback, None
    try:
        async with bot.services.uow(read_only=True) as uow:
            person = await uow.people.find_by_identity(str(platform), user_id)
    except DatabaseUnavailableError:
        person = None
    if person is not None:
        locale = person.locale or fallback
        timezone = person.timezone
    return bot.services.translator(locale, timezone)
