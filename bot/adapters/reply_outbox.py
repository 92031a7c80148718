"""A direct reply the platform refused for now (429, 5xx) goes through the outbox.

Why: a person who asked something and got nothing because Slack or the Bot Connector answered
"too many requests" once loses their answer. The outbox already retries proactive messages
with back-off and respects ``Retry-After``; a refused reply becomes one of its messages, with
a key of its own so it is sent once, ``not_before`` set from ``Retry-After``, and not held
for office hours. The dispatcher then delivers it as a direct message on the person's platform.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from kernel.core import Reply
from kernel.logging import get_logger
from storage.db import DatabaseUnavailableError
from turn.pipeline import Signaalbot

log = get_logger("signaalbot.replies")

REPLY_KEY_PREFIX = "reply:"


async def hand_to_outbox(
    bot: Signaalbot,
    platform: str,
    user_id: str,
    replies: list[Reply],
    *,
    retry_after: float | None,
    reason: str,
) -> bool:
    """Queue ``replies`` for the person behind (platform, user_id); False if that failed."""
    if not replies:
        return True
    now = bot.services.clock.now()
    not_before = now + timedelta(seconds=max(0.0, retry_after or 0.0))
    batch = uuid.uuid4().hex
    try:
        async with bot.services.uow() as uow:
            person = await uow.people.find_by_identity(platform, user_id)
            if person is None:
                log.warning("reply_lost_unknown_person", platform=platform, reason=reason)
                return False
            for number, reply in enumerate(replies):
                await uow.outbox.enqueue(
                    key=f"{REPLY_KEY_PREFIX}{platform}:{batch}:{number}",
                    person_id=person.id,
                    payload=reply.model_dump(mode="json"),
                    now=now,
                    not_before=not_before,
                    office_hours_only=False,  # the person is waiting for it now
                )
            await uow.commit()
    except DatabaseUnavailableError:
        log.warning("reply_lost_database_unavailable", platform=platform, reason=reason)
        return False
    log.info(
        "reply_queued_for_retry",
        platform=platform,
        person_id=person.id,
        replies=len(replies),
        reason=reason,
        retry_after_s=retry_after,
    )
    return True
