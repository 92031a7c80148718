"""Drive the Teams endpoint like Teams does: activities POSTed to /api/messages.

The same few verbs as the console and Slack drivers (say, click, submit), so a shared
end-to-end scenario can be replayed on Teams. Each verb returns the calls the bot made to the
fake Bot Connector while handling it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from aiohttp.test_utils import TestClient

from tests.integration.teams.fake_connector import (
    Call,
    FakeConnector,
    activity_text,
    cards_of,
    find,
)

TENANT = "tenant-gemeente"
BOT = {"id": "28:signaalbot", "name": "Signaalbot"}


@dataclass
class TeamsChat:
    client: TestClient
    connector: FakeConnector
    user_id: str = "29:anna"
    aad: str = "aad-anna"
    name: str = "Anna"
    tenant: str = TENANT
    conversation_id: str = "a:personal-anna"
    conversation_type: str = "personal"
    locale: str = "nl-NL"
    headers: dict[str, str] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    last_status: int = 0
    last_body: Any = None

    @property
    def identity_user_id(self) -> str:
        return f"{self.tenant}:{self.aad}"

    def activity(self, type_: str = "message", **fields: Any) -> dict[str, Any]:
        activity: dict[str, Any] = {
            "type": type_,
            "id": f"{self.aad}-{next(self._ids)}",
            "timestamp": "2026-11-23T09:30:00.000Z",
            "serviceUrl": getattr(self.connector, "url", "http://127.0.0.1:1/"),
            "channelId": "msteams",
            "from": {"id": self.user_id, "name": self.name, "aadObjectId": self.aad},
            "conversation": {
                "id": self.conversation_id,
                "conversationType": self.conversation_type,
                "tenantId": self.tenant,
            },
            "recipient": dict(BOT),
            "locale": self.locale,
            "channelData": {"tenant": {"id": self.tenant}},
        }
        activity.update(fields)
        return activity

    async def post(self, activity: dict[str, Any]) -> list[Call]:
        before = len(self.connector.calls)
        response = await self.client.post("/api/messages", json=activity, headers=self.headers)
        self.last_status = response.status
        text = await response.text()
        self.last_body = await response.json() if text else None
        self.connector.check_cards(self.last_body)
        return [c for c in self.connector.calls[before:] if "/members/" not in c.path]

    async def say(self, text: str, *, mention: bool = False) -> list[Call]:
        fields: dict[str, Any] = {"text": text}
        if mention:
            fields["text"] = f"<at>Signaalbot</at> {text}"
            fields["entities"] = [
                {"type": "mention", "text": "<at>Signaalbot</at>", "mentioned": dict(BOT)}
            ]
        return await self.post(self.activity(**fields))

    async def submit(self, data: dict[str, Any], reply_to_id: str | None = None) -> list[Call]:
        fields: dict[str, Any] = {"value": data}
        if reply_to_id:
            fields["replyToId"] = reply_to_id
        return await self.post(self.activity(**fields))

    async def click(
        self, action_id: str, value: str = "", reply_to_id: str | None = None
    ) -> list[Call]:
        return await self.submit({"action_id": action_id, "value": value}, reply_to_id)

    async def invoke(self, name: str, value: dict[str, Any]) -> tuple[int, Any]:
        await self.post(self.activity("invoke", name=name, value=value))
        return self.last_status, self.last_body


def texts(calls: list[Call]) -> str:
    return "\n".join(activity_text(c.body) for c in calls)


def last_form(calls: list[Call]) -> tuple[Call, dict[str, Any]]:
    """The call that posted the last card with a form submit button, and that button's data."""
    for call in reversed(calls):
        for card in cards_of(call.body):
            for action in find(card, "Action.Submit"):
                if "form_id" in action.get("data", {}):
                    return call, dict(action["data"])
    raise AssertionError("no form card was sent")
