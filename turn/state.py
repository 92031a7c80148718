"""One state abstraction for conversation data, as botbuilder's ``ConversationState``.

Why one: the console's drafts, Slack's forms kept for a button and Teams' remembered cards and
messages are the same idea: a small JSON document per platform, owner and purpose, kept in
the database (``conversation_state``) so it survives a restart and works on two instances.
Every read and write tolerates a database that is briefly away: state is a convenience, never
a reason to lose the turn.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from kernel.core import Form, Platform
from kernel.logging import get_logger
from storage.db import DatabaseUnavailableError
from turn.context import Services
from turn.forms import safe_values

log = get_logger("signaalbot.state")

FLOW_LENGTH = 60


def flow_name(purpose: str, key: str) -> str:
    """``purpose:key``, hashed when too long for the column (Teams conversation ids are long)."""
    name = f"{purpose}:{key}"
    if len(name) <= FLOW_LENGTH:
        return name
    return f"{purpose}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"


def draft_flow(form_id: str) -> str:
    """Where a half-filled form is kept: the adapters save it here, the handlers that open and
    save the form read and clear it here, inside their own unit of work."""
    return flow_name("draft", form_id)


@dataclass(frozen=True, slots=True)
class ConversationState:
    services: Services

    async def get(self, platform: Platform | str, owner: str, flow: str) -> dict[str, Any] | None:
        try:
            async with self.services.uow(read_only=True) as uow:
                return await uow.conversations.get(str(platform), owner, flow)
        except DatabaseUnavailableError:
            log.warning("state_not_read", flow=flow.split(":")[0])
            return None

    async def put(
        self, platform: Platform | str, owner: str, flow: str, data: dict[str, Any]
    ) -> bool:
        try:
            async with self.services.uow() as uow:
                await uow.conversations.put(
                    str(platform), owner, flow, data, self.services.clock.now()
                )
                await uow.commit()
        except DatabaseUnavailableError:
            log.warning("state_not_saved", flow=flow.split(":")[0])
            return False
        return True

    async def clear(self, platform: Platform | str, owner: str, flow: str) -> None:
        try:
            async with self.services.uow() as uow:
                await uow.conversations.clear(str(platform), owner, flow)
                await uow.commit()
        except DatabaseUnavailableError:
            log.warning("state_not_cleared", flow=flow.split(":")[0])

    # --- drafts: a half-filled form --------------------------------------------------------

    async def load_draft(
        self, platform: Platform | str, owner: str, form_id: str
    ) -> dict[str, str]:
        data = await self.get(platform, owner, draft_flow(form_id))
        return {k: str(v) for k, v in (data or {}).items()}

    async def save_draft(
        self, platform: Platform | str, owner: str, form_id: str, values: dict[str, str]
    ) -> bool:
        """Keep a half-filled form with personal data masked: only masked text is ever stored as
        a draft. False when the database is away."""
        return await self.put(platform, owner, draft_flow(form_id), safe_values(values))

    async def clear_draft(self, platform: Platform | str, owner: str, form_id: str) -> None:
        await self.clear(platform, owner, draft_flow(form_id))

    # --- forms and messages an adapter must find again -------------------------------------

    async def remember_form(self, platform: Platform | str, owner: str, form: Form) -> bool:
        return await self.put(
            platform, owner, flow_name("form", form.form_id), {"form": form.model_dump(mode="json")}
        )

    async def form(self, platform: Platform | str, owner: str, form_id: str) -> Form | None:
        data = await self.get(platform, owner, flow_name("form", form_id))
        if not data or "form" not in data:
            return None
        return Form.model_validate(data["form"])

    async def remember_message(
        self, platform: Platform | str, owner: str, key: str, message_id: str
    ) -> bool:
        return await self.put(platform, owner, flow_name("msg", key), {"message_id": message_id})

    async def message(self, platform: Platform | str, owner: str, key: str) -> str | None:
        data = await self.get(platform, owner, flow_name("msg", key))
        value = (data or {}).get("message_id")
        return str(value) if value else None
