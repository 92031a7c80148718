"""What every public endpoint does before a platform library sees a request.

Why: bolt and botbuilder parse the body first and raise on junk (invalid JSON, a JSON list,
nesting deep enough for ``RecursionError``, bytes that are not UTF-8), which aiohttp turned into
a 500 with a traceback. Here a body is read once within the size limit, decoded and parsed
defensively; anything that is not a request of the expected shape is a 4xx with a short JSON
reason. Log lines name the endpoint and the reason, never the body (it carries message text).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from kernel.logging import get_logger

log = get_logger("signaalbot.web")

# The most a platform sends in one request: Slack views and Teams cards stay far below it.
MAX_BODY_BYTES = 1024 * 1024


class BadRequestError(Exception):
    """The body is not a request of the expected shape; ``str(self)`` is a short reason."""


def refuse(endpoint: str, status: int, reason: str) -> web.Response:
    """A short JSON refusal, logged with the endpoint and reason only."""
    log.warning("request_refused", endpoint=endpoint, status=status, reason=reason)
    return web.json_response({"error": reason}, status=status)


async def read_body(request: web.Request, endpoint: str) -> bytes | web.Response:
    """The raw body, or a 413 refusal when it is larger than :data:`MAX_BODY_BYTES`."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return refuse(endpoint, 413, "body too large")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return refuse(endpoint, 413, "body too large")
    if len(body) > MAX_BODY_BYTES:
        return refuse(endpoint, 413, "body too large")
    return body


def decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequestError("body is not UTF-8") from exc


def json_object(text: str) -> dict[str, Any]:
    """``text`` parsed as a JSON object; lists, strings, invalid or too deeply nested JSON fail.

    ``RecursionError`` is how the standard library's decoder answers nesting of some thousands
    of levels; it is caught here like any other malformed JSON.
    """
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadRequestError("body is not valid JSON") from exc
    if not isinstance(value, dict):
        raise BadRequestError("body must be a JSON object")
    return value


def form_fields(text: str) -> dict[str, str]:
    try:
        return dict(parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text)))
    except ValueError as exc:
        raise BadRequestError("body is not a valid form") from exc


def require_str(data: dict[str, Any], *names: str) -> None:
    for name in names:
        if not isinstance(data.get(name), str):
            raise BadRequestError(f"'{name}' missing")


def require_dict(data: dict[str, Any], *names: str) -> None:
    for name in names:
        if not isinstance(data.get(name), dict):
            raise BadRequestError(f"'{name}' missing")
