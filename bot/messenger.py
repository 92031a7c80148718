"""The port for proactive messages: one protocol, one implementation per platform.

Why: the outbox dispatcher (``cycle``) sends a stored :class:`~bot.core.Reply` to a person
without knowing whether they are on Slack, Teams or the console.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.core import Reply
from storage.domain import Identity


@dataclass(frozen=True, slots=True)
class Sent:
    """What the platform told us about a sent message."""

    message_id: str | None = None


class RecipientUnreachableError(Exception):
    """The person cannot be reached (bot removed, user deactivated): do not retry."""


class TemporaryFailureError(Exception):
    """Try again later (HTTP 429 or 5xx); ``retry_after`` in seconds when the platform said."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Messenger(Protocol):
    platform: str

    async def send(self, identity: Identity, reply: Reply, *, update_id: str | None = None) -> Sent:
        """Send ``reply``; with ``update_id`` replace that earlier message in place."""
        ...
