"""What the Teams adapter remembers about cards it sent: in the database, never in memory.

Why: a refused form must come back with what was typed, and a message with an ``update_key``
is updated in place; both outlive a restart and work with two instances, so they live in the
one :class:`~turn.state.ConversationState`, owned by the conversation (not the person: a
channel card is answered by whoever clicks).
"""

from __future__ import annotations

import hashlib
from typing import Any

from kernel.core import Form, Platform
from turn.state import ConversationState

PLATFORM = Platform.TEAMS.value


def _conversation_key(conversation_id: str) -> str:
    """The state owner of a conversation; hashed, so no Teams id is stored as such."""
    return "conv:" + hashlib.sha256(conversation_id.encode()).hexdigest()[:40]


def conversation_keys(conversation_ref: dict[str, Any] | None) -> list[str]:
    """The conversation-state owners of a stored Teams reference (cards and forms kept for the
    chat): what ``privacy erase`` removes along with the identity."""
    reference = (conversation_ref or {}).get("reference") or {}
    conversation = reference.get("conversation") or {} if isinstance(reference, dict) else {}
    conversation_id = conversation.get("id") if isinstance(conversation, dict) else None
    return [_conversation_key(str(conversation_id))] if conversation_id else []


class CardMemory:
    """Forms and updatable messages this conversation has seen, in the one conversation state.

    A form is remembered per conversation so that ``Reply.errors`` can show the same form again
    with what was typed; an ``update_key`` maps onto the Teams activity id to update in place.
    """

    def __init__(self, state: ConversationState) -> None:
        self._state = state

    async def remember_form(self, conversation_id: str, form: Form) -> None:
        await self._state.remember_form(PLATFORM, _conversation_key(conversation_id), form)

    async def form(self, conversation_id: str, form_id: str) -> Form | None:
        return await self._state.form(PLATFORM, _conversation_key(conversation_id), form_id)

    async def remember_message(self, conversation_id: str, key: str, activity_id: str) -> None:
        await self._state.remember_message(
            PLATFORM, _conversation_key(conversation_id), key, activity_id
        )

    async def message(self, conversation_id: str, key: str) -> str | None:
        return await self._state.message(PLATFORM, _conversation_key(conversation_id), key)
