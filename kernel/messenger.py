"""The port for proactive messages: one protocol, one implementation per platform.

Why: the outbox dispatcher (``cycle``) sends a stored :class:`~kernel.core.Reply` to a person
without knowing whether they are on Slack, Teams or the console.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from kernel.core import Reply


@dataclass(frozen=True, slots=True)
class Address:
    """Where a person can be reached on one platform: what the messengers need to send.

    Stored per person (``person_identity``); ``conversation_ref`` is the Teams reference.
    """

    platform: str
    user_id: str
    tenant: str | None = None
    conversation_ref: dict[str, Any] | None = None
    unreachable_since: datetime | None = None
    last_seen_at: datetime | None = None


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

    async def send(self, identity: Address, reply: Reply, *, update_id: str | None = None) -> Sent:
        """Send ``reply``; with ``update_id`` replace that earlier message in place."""
        ...
