"""A fake Bot Connector on loopback: records what the bot sends, can answer 403, 429 or 5xx.

Only the endpoints signaalbot uses: send/reply/update activities, one member, create a chat.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.integration.teams.card_schema import schema_errors


@dataclass
class Call:
    method: str
    path: str
    conversation_id: str
    activity_id: str | None
    body: dict[str, Any]
    authorization: str | None
    response_id: str | None = None


@dataclass
class FakeConnector:
    calls: list[Call] = field(default_factory=list)
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Every card the bot sent or updated that breaks the Adaptive Cards 1.5 schema; the
    # ``connector`` fixture fails a test that leaves any.
    card_problems: list[str] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def fail_next(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.failures.append((status, headers or {}))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations/{cid}/activities", self._send)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._send)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        app.router.add_get("/v3/conversations/{cid}/members/{mid}", self._member)
        app.router.add_post("/v3/conversations", self._create)
        return app

    def _failure(self) -> web.Response | None:
        if not self.failures:
            return None
        status, headers = self.failures.pop(0)
        code = "MessageWritesBlocked" if status == 403 else "Throttled"
        return web.json_response(
            {"error": {"code": code, "message": "fake"}}, status=status, headers=headers
        )

    async def _record(self, request: web.Request) -> Call:
        body = await request.json() if request.can_read_body else {}
        call = Call(
            method=request.method,
            path=request.path,
            conversation_id=request.match_info.get("cid", ""),
            activity_id=request.match_info.get("aid"),
            body=body,
            authorization=request.headers.get("Authorization"),
        )
        self.calls.append(call)
        self.check_cards(body)
        return call

    def check_cards(self, body: Any) -> None:
        """Validate the Adaptive Cards in an activity or an invoke response body."""
        for card in _cards_anywhere(body):
            self.card_problems.extend(schema_errors(card))

    async def _send(self, request: web.Request) -> web.Response:
        failure = self._failure()
        call = await self._record(request)
        if failure is not None:
            return failure
        call.response_id = f"act-{next(self._ids)}"
        return web.json_response({"id": call.response_id}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        failure = self._failure()
        call = await self._record(request)
        if failure is not None:
            return failure
        return web.json_response({"id": call.activity_id})

    async def _member(self, request: web.Request) -> web.Response:
        await self._record(request)
        member = self.members.get(request.match_info["mid"])
        if member is None:
            return web.json_response({"error": {"code": "NotFound"}}, status=404)
        return web.json_response(member)

    async def _create(self, request: web.Request) -> web.Response:
        failure = self._failure()
        await self._record(request)
        if failure is not None:
            return failure
        return web.json_response({"id": f"a:personal-{next(self._ids)}"}, status=201)

    # --- what tests look at ---------------------------------------------------------------

    def sent(self) -> list[Call]:
        return [c for c in self.calls if c.method == "POST" and "/activities" in c.path]

    def updates(self) -> list[Call]:
        return [c for c in self.calls if c.method == "PUT"]


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: str) -> str:
    """What Teams shows for a Markdown text: CommonMark backslash escapes removed."""
    return _ESCAPED.sub(r"\1", markdown)


def activity_text(body: dict[str, Any]) -> str:
    """All text of a sent activity as Teams shows it: its text and every text in its cards."""
    parts = [body.get("text") or ""]
    for attachment in body.get("attachments") or []:
        parts.extend(_texts(attachment.get("content")))
    return "\n".join(shown(p) for p in parts if p)


def _texts(node: Any) -> list[str]:
    out: list[str] = []
    if isinstance(node, dict):
        for key in ("text", "title", "value", "label"):
            if isinstance(node.get(key), str):
                out.append(node[key])
        for value in node.values():
            if isinstance(value, dict | list):
                out.extend(_texts(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(_texts(item))
    return out


def _cards_anywhere(node: Any) -> list[dict[str, Any]]:
    """Adaptive Cards in attachments, task module responses and invoke answers alike."""
    if isinstance(node, dict):
        if node.get("type") == "AdaptiveCard":
            return [node]
        return [card for value in node.values() for card in _cards_anywhere(value)]
    if isinstance(node, list):
        return [card for item in node for card in _cards_anywhere(item)]
    return []


def cards_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [a["content"] for a in body.get("attachments") or [] if "content" in a]


def find(card: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    """Every element of ``type_`` in a card, depth first."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == type_:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found
