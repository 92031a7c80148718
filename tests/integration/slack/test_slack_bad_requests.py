"""Junk on the public endpoints gets a 4xx with a short JSON body: never a 500 or a traceback,
and the log line carries no body.

Why: a 500 with a 1.9 KB traceback told an attacker our internals and hid real failures in the
error rate; Slack and Teams retry 5xx, so junk was also delivered again and again.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.slack_support import sign

SECRET_WORD = "Geheimpje-7431"  # appears in each body; must never reach a log line
DEEP = "[" * 100_000 + "]" * 100_000

SLACK_BODIES: list[tuple[str, str]] = [
    ("application/json", "{not json " + SECRET_WORD),
    ("application/json", json.dumps([SECRET_WORD])),
    ("application/json", json.dumps(SECRET_WORD)),
    ("application/json", json.dumps({"type": "event_callback", "event": SECRET_WORD})),
    ("application/json", json.dumps({"type": "event_callback", "event": [SECRET_WORD]})),
    ("application/json", json.dumps({"type": "url_verification"})),
    ("application/json", '{"a": ' + DEEP + ', "b": "' + SECRET_WORD + '"}'),
    ("application/json", "\xff\xfe" + SECRET_WORD),
    ("application/x-www-form-urlencoded", "payload=" + SECRET_WORD),
    ("application/x-www-form-urlencoded", "payload=%7B%22type%22%3A%5B%5D%7D&x=" + SECRET_WORD),
    ("application/x-www-form-urlencoded", "payload=" + DEEP + SECRET_WORD),
    ("application/x-www-form-urlencoded", "command=/signaal&text=" + SECRET_WORD),
    ("application/x-www-form-urlencoded", "%%%" + SECRET_WORD + "=%zz"),
    ("text/plain", SECRET_WORD),
    ("application/json", ""),
]


def _no_secret_in_logs(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    captured = capsys.readouterr()
    assert SECRET_WORD not in caplog.text
    assert SECRET_WORD not in captured.out + captured.err


@pytest.mark.parametrize(("content_type", "body"), SLACK_BODIES)
async def test_slack_junk_signed_is_400_unsigned_401(
    slack_client: TestClient[Any, Any],
    content_type: str,
    body: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    data = body.encode("utf-8", "surrogateescape")
    unsigned = await slack_client.post(
        "/slack/events", data=data, headers={"Content-Type": content_type}
    )
    assert unsigned.status == 401
    signed = await slack_client.post(
        "/slack/events",
        data=data,
        headers={"Content-Type": content_type, **sign(data.decode("utf-8", "replace"))},
    )
    text = await signed.text()
    assert 400 <= signed.status < 500, (signed.status, text[:300])
    assert "Traceback" not in text and SECRET_WORD not in text and len(text) < 200
    _no_secret_in_logs(caplog, capsys)


async def test_oversized_slack_body_is_refused_with_413(
    slack_client: TestClient[Any, Any],
) -> None:
    body = "payload=" + "x" * 1_500_000
    for headers in ({}, sign(body)):
        response = await slack_client.post(
            "/slack/events",
            data=body.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        )
        assert response.status == 413
