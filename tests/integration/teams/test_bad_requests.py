"""Junk on /api/messages is a 4xx with a short reason: never a 500, a traceback or a logged body."""

from __future__ import annotations

import json
import logging

import pytest

from tests.integration.teams.driver import TeamsChat

SECRET_WORD = "Geheimpje-7431"
DEEP = "[" * 100_000 + "]" * 100_000

BODIES: list[bytes] = [
    b"{not json " + SECRET_WORD.encode(),
    json.dumps([SECRET_WORD]).encode(),
    json.dumps(SECRET_WORD).encode(),
    b'{"type": "message", "text": "' + SECRET_WORD.encode() + b'", "x": ' + DEEP.encode() + b"}",
    b"\xff\xfe" + SECRET_WORD.encode(),
    json.dumps({"type": 5, "serviceUrl": "http://x", "conversation": {"id": "c"}}).encode(),
    json.dumps({"type": "message", "serviceUrl": "http://x", "conversation": "c"}).encode(),
    json.dumps({"type": "message", "conversation": {"id": "c"}, "text": SECRET_WORD}).encode(),
    json.dumps(
        {"type": "message", "serviceUrl": "http://x", "conversation": {"id": 5}, "from": []}
    ).encode(),
    json.dumps(
        {
            "type": "message",
            "serviceUrl": "http://x",
            "conversation": {"id": "c"},
            "timestamp": "gisteren " + SECRET_WORD,
        }
    ).encode(),
    b"",
]


@pytest.mark.parametrize("body", BODIES)
async def test_junk_is_refused_with_400(
    sqlite_teams: TeamsChat,
    body: bytes,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    response = await sqlite_teams.client.post(
        "/api/messages", data=body, headers={"Content-Type": "application/json"}
    )
    text = await response.text()
    assert response.status == 400, text[:300]
    assert "Traceback" not in text and SECRET_WORD not in text and len(text) < 200
    captured = capsys.readouterr()
    assert SECRET_WORD not in caplog.text + captured.out + captured.err
    assert sqlite_teams.connector.calls == []


async def test_oversized_body_is_refused_with_413(sqlite_teams: TeamsChat) -> None:
    body = json.dumps({"type": "message", "text": "x" * 1_500_000}).encode()
    response = await sqlite_teams.client.post(
        "/api/messages", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status == 413
    assert sqlite_teams.connector.calls == []
