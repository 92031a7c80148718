"""The durable follow-up of an answer that an adapter delivers only after the platform's ack.

Why: on Slack a modal submission whose turn outlasts the ack budget is answered "one moment",
and a click is acked before its turn runs; the answer follows by ``views.update`` and a direct
message from the same process. If that process dies after the turn committed (the signal is
stored) but before the answer went out, Slack never asks again: the person never hears "Je
signaal is opgeslagen als S-…" and, reporting again, stores a second signal.

The rule: in the very transaction that claims the turn's delivery key (and stores the signal),
the answer also goes into the outbox, keyed by the delivery key and due only after a grace
(``follow_up_grace_seconds``). The adapter that delivers the answer itself first *takes* that
message (a lease, the same one the dispatcher's claim uses), sends, and marks it sent; the
dispatcher of any instance sends what nobody took once the grace is over. So:

- the process dies after the commit: nobody takes the message; after the grace a dispatcher
  sends it as a direct message. Exactly once.
- the direct delivery is late (Slack slow, the grace over): the dispatcher may have sent it
  already; the adapter then finds it taken or sent and leaves it. No second message.
- the process dies after Slack accepted the direct message but before "sent" was written: the
  lease runs out and the dispatcher sends it again. This one window (milliseconds) is the
  outbox's own crash window, the same for every proactive message.

Only forms and clicks get a follow-up (the events whose answer is kept with their key, see
:class:`~turn.middleware.Idempotency`), only when the adapter asks for one, and only the
replies that are messages (no form, no errors: a refused form stores nothing and releases its
key, so it drops the follow-up too).

Who asks: Slack, whose answers travel after the ack. Not Teams: a Teams activity is answered
inside its own HTTP request (the invoke response, or ``send_activity`` before the 200), and an
activity without a 2xx is delivered again by Teams, which then gets the answer kept with the
key. Not the console: the answer is printed by the same process right after the commit, with
no network in between, and a crash there ends the chat itself.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from kernel.core import Reply
from kernel.logging import get_logger
from storage.db import DatabaseUnavailableError
from storage.domain import OutboxMessage
from storage.uow import UnitOfWork
from turn.context import Services

log = get_logger("signaalbot.follow_up")

KEY_PREFIX = "followup:"
KEY_LENGTH = 200  # outbox.key
# How long a sender holds the message while it delivers it itself: longer than Slack's
# conversations.open and chat.postMessage together at the Web API client's 30 s timeout.
LEASE = timedelta(seconds=90)


def outbox_key(turn_key: str) -> str:
    """The outbox key of a turn's follow-up: the delivery key, hashed only if it is too long."""
    key = f"{KEY_PREFIX}{turn_key}"
    if len(key) <= KEY_LENGTH:
        return key
    return f"{KEY_PREFIX}sha256:{hashlib.sha256(turn_key.encode()).hexdigest()}"


def messages(replies: Sequence[Reply]) -> list[Reply]:
    """The replies a follow-up carries: messages, not forms or a refused form's errors."""
    return [r for r in replies if r.blocks and not r.errors and r.form is None]


def payload(replies: Sequence[Reply]) -> dict[str, Any] | None:
    """One outbox message with every message of the answer, as the adapter posts them (one
    message); None when the answer has none."""
    chosen = messages(replies)
    if not chosen:
        return None
    return Reply(blocks=tuple(b for r in chosen for b in r.blocks)).model_dump(mode="json")


async def keep(
    uow: UnitOfWork,
    turn_key: str,
    *,
    person_id: int,
    replies: Sequence[Reply],
    services: Services,
    again: bool = False,
) -> bool:
    """Put the follow-up of ``turn_key`` in the outbox, in ``uow``'s transaction (``again``:
    the turn's answer changed after its first commit); True when there is one."""
    key = outbox_key(turn_key)
    message = payload(replies)
    if again:
        await uow.outbox.drop_pending(key)  # the earlier answer, not yet sent
    if message is None:
        return False
    now = services.clock.now()
    await uow.outbox.enqueue(
        key=key,
        person_id=person_id,
        payload=message,
        now=now,
        not_before=now + timedelta(seconds=services.settings.follow_up_grace_seconds),
        office_hours_only=False,  # the person is waiting for it now
    )
    return True


async def drop(uow: UnitOfWork, turn_key: str) -> None:
    """The turn was refused or failed after all: nothing to follow up."""
    await uow.outbox.drop_pending(outbox_key(turn_key))


@dataclass(slots=True)
class Handover:
    """What the adapter shows now, and the outbox message it holds while it does.

    ``replies``: the turn's replies when the adapter delivers the follow-up itself; without
    the follow-up's messages when a dispatcher has it (sent, or sending). The adapter calls
    :meth:`sent` after delivering, :meth:`failed` when delivery failed (the dispatcher then
    sends the message after the grace, or at once when the grace is over).
    """

    replies: list[Reply]
    services: Services | None = None
    message: OutboxMessage | None = None
    token: str = ""
    platform: str = ""
    finished: bool = field(default=False)

    async def sent(self, *, directly: bool = True) -> None:
        """Delivered; ``directly=False``: the platform refused it for now and the reply went
        into the outbox under a key of its own (:mod:`bot.adapters.reply_outbox`)."""
        await self._finish("sent" if directly else "superseded", "" if directly else "reply")

    async def failed(self, error: str = "") -> None:
        await self._finish("pending", error or "direct_delivery_failed")

    async def _finish(self, status: str, error: str) -> None:
        if self.message is None or self.services is None or self.finished:
            return
        self.finished = True
        try:
            async with self.services.uow() as uow:
                await uow.outbox.finish(
                    self.message.id,
                    self.token,
                    status=status,
                    now=self.services.clock.now(),
                    platform=self.platform if status == "sent" else None,
                    error=error,
                    attempted=status != "pending",
                )
                await uow.commit()
        except DatabaseUnavailableError:
            # The lease runs out and a dispatcher sends it: once more rather than never.
            log.warning("follow_up_not_finished", outbox_id=self.message.id, status=status)


@dataclass(frozen=True, slots=True)
class FollowUps:
    """The adapter's side of the rule: take the follow-up before delivering it directly."""

    services: Services

    async def take(self, platform: str, turn_key: str | None, replies: list[Reply]) -> Handover:
        """Take the follow-up of ``turn_key``; see :class:`Handover` for what to show."""
        if turn_key is None or not messages(replies):
            return Handover(replies=list(replies))
        now = self.services.clock.now()
        token = f"direct:{uuid.uuid4().hex[:12]}"
        try:
            async with self.services.uow() as uow:
                exists, message = await uow.outbox.take(
                    outbox_key(turn_key), token=token, now=now, until=now + LEASE
                )
                await uow.commit()
        except DatabaseUnavailableError:
            log.warning("follow_up_not_taken", event_key=turn_key)
            return Handover(replies=list(replies))  # shown now; maybe once more later
        if message is not None or not exists:
            return Handover(
                replies=list(replies),
                services=self.services,
                message=message,
                token=token,
                platform=platform,
            )
        log.info("follow_up_already_delivered", event_key=turn_key)
        followed = {id(r) for r in messages(replies)}
        return Handover(replies=[r for r in replies if id(r) not in followed])
