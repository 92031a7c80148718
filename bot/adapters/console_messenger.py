"""Proactive messages for console people: kept in the database until a chat shows them.

Why the database: the console has no server to push to, and the dispatcher that sends may run
in another process (``serve``, or a colleague's chat on the same SQLite file). The messenger
writes each message to ``console_message``; every open ``signaalbot chat`` shows its person's
new messages within seconds (:class:`ConsoleInbox`), and a closed one at its next start,
oldest first. A console person is therefore never "unreachable".
"""

from __future__ import annotations

from dataclasses import dataclass

from kernel.core import Reply
from kernel.messenger import Address, Sent
from turn.context import Services


@dataclass(slots=True)
class ConsoleMessenger:
    services: Services
    platform: str = "console"

    async def send(self, identity: Address, reply: Reply, *, update_id: str | None = None) -> Sent:
        """Queue ``reply`` for the console person; an update arrives as a new message."""
        async with self.services.uow() as uow:
            message_id = await uow.console.deliver(
                identity.user_id, reply.model_dump(mode="json"), self.services.clock.now()
            )
            await uow.commit()
        return Sent(message_id=f"console-{message_id}")


@dataclass(frozen=True, slots=True)
class ConsoleInbox:
    """What an open chat reads: its person's messages not shown yet, oldest first."""

    services: Services
    user_id: str

    async def take(self) -> list[Reply]:
        """The new messages, marked as shown (so a second chat of the same person skips them)."""
        async with self.services.uow() as uow:
            messages = await uow.console.unshown(self.user_id)
            await uow.console.mark_shown((m.id for m in messages), self.services.clock.now())
            await uow.commit()
        return [Reply.model_validate(m.payload) for m in messages]
