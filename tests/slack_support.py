"""Slack test support: a fake Slack Web API on loopback, signing as Slack signs, payloads.

The fake is a real aiohttp server; the bot's ``AsyncWebClient`` points at it through
``SIGNAALBOT_SLACK_API_URL``. It records every call and can be told to answer an error or a
429 for the next call of a method. File uploads follow Slack's current flow:
``files.getUploadURLExternal`` hands out an upload URL on the same server (``/upload/<id>``),
the bytes POSTed there are kept in :attr:`FakeSlack.uploads`, and
``files.completeUploadExternal`` records which file was shared where. :class:`SlackDriver` plays a person in Slack, so any
scenario (who, what they send, what must appear) can be replayed against the real app.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from kernel.settings import Settings
from tests.conftest import make_settings

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
TEAM = "T0001"


def slack_settings(db_url: str, api_url: str, **overrides: Any) -> Settings:
    """A single-workspace Slack bot (bot token, signing secret) on ``db_url``, whose Web API
    is the fake at ``api_url``; the settings every Slack test and runner starts from."""
    return make_settings(
        db_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api_url,
        **overrides,
    )


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None
    view_id: str | None = None  # the id the fake gave the view of a views.open or views.push


@dataclass
class Scripted:
    status: int = 200
    body: dict[str, Any] = field(default_factory=lambda: {"ok": True})
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlack:
    """Slack's Web API (``/api/<method>``) and ``response_url`` endpoints (``/respond/<id>``)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.responses: list[dict[str, Any]] = []  # bodies posted to response_url
        self.uploads: dict[str, bytes] = {}  # file id -> bytes POSTed to its upload URL
        # users.info answers per user id: e.g. {"is_restricted": True} or {"team_id": "TOTHER"}
        self.users: dict[str, dict[str, Any]] = {}
        self._upload_script: list[Scripted] = []
        self._respond_script: list[Scripted] = []
        self._shared: list[tuple[str, bytes]] = []
        self._files = itertools.count(1)
        self._script: dict[str, list[Scripted]] = {}
        self._ts = itertools.count(1)
        self._views = itertools.count(1)
        self._held: dict[str, asyncio.Event] = {}
        self.server: TestServer | None = None

    # --- control ---------------------------------------------------------------------------

    def fail_next(
        self, method: str, *, status: int = 200, error: str | None = None, **headers: str
    ) -> None:
        body: dict[str, Any] = {"ok": error is None} | ({"error": error} if error else {})
        self._script.setdefault(method, []).append(Scripted(status, body, dict(headers)))

    def hold(self, method: str) -> asyncio.Event:
        """From now on a call of ``method`` is recorded and then waits, unanswered, until the
        returned event is set: Slack hanging, so a test can stop the bot while it waits."""
        return self._held.setdefault(method, asyncio.Event())

    def fail_next_response(self, *, status: int, **headers: str) -> None:
        """The next POST to a ``response_url`` answers ``status``."""
        self._respond_script.append(Scripted(status, {}, dict(headers)))

    def fail_next_upload(self, *, status: int, **headers: str) -> None:
        """The next POST to an upload URL answers ``status`` (Slack's file host, not the API)."""
        self._upload_script.append(Scripted(status, {}, dict(headers)))

    def shared(self) -> list[tuple[str, bytes]]:
        """(channel, bytes) of every file shared by ``files.completeUploadExternal``."""
        return list(self._shared)

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    @property
    def api_url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/api/"))

    def respond_url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url(f"/respond/{uuid.uuid4().hex[:8]}"))

    # --- server ----------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # slack_sdk GETs users.info
        app.router.add_post("/respond/{id}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        return app

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        data = await request.read()
        if self._upload_script:
            scripted = self._upload_script.pop(0)
            return web.Response(status=scripted.status, headers=scripted.headers, text="no")
        self.uploads[file_id] = data
        return web.Response(text=f"OK - {len(data)}")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.text()
        if request.content_type == "application/json":
            params = json.loads(raw or "{}")
        else:
            params = dict(parse_qsl(raw))
        params = {**dict(request.query), **params}  # slack_sdk sends some arguments as query
        for key in ("blocks", "view", "files"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        auth = request.headers.get("Authorization", "")
        self.calls.append(Call(method, params, auth.removeprefix("Bearer ") or None))
        if method in self._held:
            await self._held[method].wait()
        queue = self._script.get(method)
        if queue:
            scripted = queue.pop(0)
            return web.json_response(
                scripted.body, status=scripted.status, headers=scripted.headers
            )
        answer = self._ok(method, params)
        if method in ("views.open", "views.push"):
            self.calls[-1].view_id = str(answer["view"]["id"])
        return web.json_response(answer)

    def modal(self, index: int = -1) -> dict[str, Any]:
        """What a modal opened by ``views.open`` shows now: its newest ``views.update``, else
        the view it opened with (a form may open as "one moment" and follow by update)."""
        opened = self.called("views.open")[index]
        for call in reversed(self.called("views.update")):
            if opened.view_id is not None and call.params.get("view_id") == opened.view_id:
                return dict(call.params["view"])
        return dict(opened.params["view"])

    def _ok(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "team_id": TEAM, "user_id": "UBOT", "bot_id": "BBOT"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users", "X"))}}
        if method in ("chat.postMessage", "chat.update"):
            ts = params.get("ts") or f"1700000000.{next(self._ts):06d}"
            return {"ok": True, "channel": params.get("channel"), "ts": ts}
        if method == "files.getUploadURLExternal":
            assert self.server is not None
            file_id = f"F{next(self._files):04d}"
            url = str(self.server.make_url(f"/upload/{file_id}"))
            return {"ok": True, "upload_url": url, "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = params.get("files") or []
            missing = [f["id"] for f in files if f["id"] not in self.uploads]
            if missing or not files:
                return {"ok": False, "error": "invalid_arguments"}
            for f in files:
                self._shared.append((str(params.get("channel_id")), self.uploads[f["id"]]))
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        if method == "users.info":
            uid = str(params.get("user", ""))
            profile = {"is_restricted": False, "is_ultra_restricted": False}
            return {"ok": True, "user": {"id": uid, **profile, **self.users.get(uid, {})}}
        if method.startswith("views."):
            return {"ok": True, "view": {"id": f"V{next(self._views)}", "hash": "h"}}
        if method == "oauth.v2.access":
            return {
                "ok": True,
                "access_token": "xoxb-installed-T0002",
                "token_type": "bot",
                "scope": "commands,chat:write",
                "bot_user_id": "UBOT2",
                "app_id": "A1",
                "team": {"id": "T0002", "name": "Aanbieder"},
                "authed_user": {"id": "UADMIN"},
            }
        return {"ok": True}

    async def _respond(self, request: web.Request) -> web.Response:
        body = await request.json()
        if self._respond_script:
            scripted = self._respond_script.pop(0)
            return web.Response(status=scripted.status, headers=scripted.headers, text="no")
        body["_url"] = str(request.path)
        self.responses.append(body)
        return web.Response(text="ok")


@asynccontextmanager
async def running(fake: FakeSlack) -> AsyncIterator[FakeSlack]:
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    fake.server = server
    try:
        yield fake
    finally:
        await server.close()


# --- signing and payloads ----------------------------------------------------------------


def sign(body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Headers exactly as Slack sends them: ``v0=HMAC-SHA256(secret, "v0:ts:body")``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = f"v0:{ts}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def slash_body(
    command: str,
    text: str,
    *,
    user: str,
    team: str = TEAM,
    channel: str = "C0001",
    response_url: str = "",
    trigger_id: str | None = None,
) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": team,
            "team_domain": "gemeente",
            "channel_id": channel,
            "channel_name": "wijkteam",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A1",
            "response_url": response_url,
            "trigger_id": trigger_id or f"trig-{uuid.uuid4().hex[:10]}",
        }
    )


def interactive_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def event_body(event: dict[str, Any], *, team: str = TEAM, event_id: str | None = None) -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": team,
            "api_app_id": "A1",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10]}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}],
        }
    )


def submission(
    view: dict[str, Any],
    values: dict[str, str],
    *,
    user: str,
    team: str = TEAM,
    view_id: str = "V-open",
) -> dict[str, Any]:
    """A ``view_submission`` for a view we opened, with ``values`` typed in its inputs."""
    state: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element = block["element"]
        name = block["block_id"]
        if name not in values:
            continue
        if element["type"] in ("static_select", "external_select"):
            state[name] = {
                "value": {"type": element["type"], "selected_option": {"value": values[name]}}
            }
        elif element["type"] == "datepicker":
            state[name] = {"value": {"type": "datepicker", "selected_date": values[name]}}
        else:
            state[name] = {"value": {"type": "plain_text_input", "value": values[name]}}
    return {
        "type": "view_submission",
        "team": {"id": team, "domain": "gemeente"},
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "api_app_id": "A1",
        "trigger_id": f"trig-{uuid.uuid4().hex[:10]}",
        "view": {**view, "id": view_id, "hash": uuid.uuid4().hex[:6], "state": {"values": state}},
    }


def suggestion(
    view: dict[str, Any], block_id: str, typed: str, *, user: str, team: str = TEAM
) -> dict[str, Any]:
    """A ``block_suggestion``: Slack asks for the options of an external_select as one types."""
    return {
        "type": "block_suggestion",
        "team": {"id": team, "domain": "gemeente"},
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "api_app_id": "A1",
        "action_id": "value",
        "block_id": block_id,
        "value": typed,
        "view": {**view, "id": "V-open", "hash": uuid.uuid4().hex[:6]},
    }


@dataclass
class SlackDriver:
    """One person in Slack, talking to the real aiohttp app through signed requests."""

    client: TestClient[Any, Any]
    fake: FakeSlack
    user: str
    team: str = TEAM
    secret: str = SIGNING_SECRET
    open_view: dict[str, Any] | None = None

    async def post(self, body: str, content_type: str, **extra: str) -> tuple[int, str]:
        headers = {"Content-Type": content_type, **sign(body, self.secret), **extra}
        response = await self.client.post("/slack/events", data=body.encode(), headers=headers)
        return response.status, await response.text()

    async def slash(self, command: str, text: str = "") -> tuple[int, str]:
        body = slash_body(
            command, text, user=self.user, team=self.team, response_url=self.fake.respond_url()
        )
        return await self.post(body, "application/x-www-form-urlencoded")

    async def interact(self, payload: dict[str, Any]) -> tuple[int, str]:
        return await self.post(interactive_body(payload), "application/x-www-form-urlencoded")

    async def event(
        self, event: dict[str, Any], event_id: str | None = None, **headers: str
    ) -> tuple[int, str]:
        return await self.post(
            event_body(event, team=self.team, event_id=event_id), "application/json", **headers
        )

    async def dm(self, text: str, event_id: str | None = None, **headers: str) -> tuple[int, str]:
        return await self.event(
            {
                "type": "message",
                "channel_type": "im",
                "channel": f"D{self.user}",
                "user": self.user,
                "text": text,
                "ts": f"{time.time():.6f}",
            },
            event_id,
            **headers,
        )

    async def submit(
        self, values: dict[str, str], view: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        view = view or self.open_view
        assert view is not None, "no modal is open"
        status, text = await self.interact(submission(view, values, user=self.user, team=self.team))
        assert status == 200, text
        return json.loads(text) if text else {}
