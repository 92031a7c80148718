"""A Messenger for tests: records every send and can be told to fail."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from kernel.core import Action, Button, Buttons, Reply
from kernel.messenger import Address, Sent


@dataclass
class Delivery:
    user_id: str
    platform: str
    reply: Reply
    at: datetime | None

    def button(self, action_id: str) -> Action:
        for block in self.reply.blocks:
            if isinstance(block, Buttons):
                for b in block.buttons:
                    if b.action_id == action_id:
                        return Action(action_id=b.action_id, value=b.value)
        raise AssertionError(f"no button {action_id} in {self.reply.plain_text!r}")

    @property
    def buttons(self) -> list[Button]:
        return [
            b for block in self.reply.blocks if isinstance(block, Buttons) for b in block.buttons
        ]


@dataclass
class FakeMessenger:
    platform: str = "console"
    now: Callable[[], datetime] | None = None
    sent: list[Delivery] = field(default_factory=list)
    # user_id -> exceptions to raise, one per send (a callable result is raised every time)
    failures: dict[str, list[Exception]] = field(default_factory=dict)
    always_fail: dict[str, Exception] = field(default_factory=dict)
    calls: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def send(self, identity: Address, reply: Reply, *, update_id: str | None = None) -> Sent:
        self.calls += 1
        if identity.user_id in self.always_fail:
            raise self.always_fail[identity.user_id]
        queue = self.failures.get(identity.user_id)
        if queue:
            raise queue.pop(0)
        self.sent.append(
            Delivery(identity.user_id, identity.platform, reply, self.now() if self.now else None)
        )
        return Sent(message_id=f"{self.platform}-{next(self._ids)}")

    def to(self, user_id: str) -> list[Delivery]:
        return [d for d in self.sent if d.user_id == user_id]

    def last(self, user_id: str) -> Delivery:
        found = self.to(user_id)
        assert found, f"nothing sent to {user_id}"
        return found[-1]
