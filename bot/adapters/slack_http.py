"""The checks in front of bolt for ``POST /slack/events``: size, signature, shape.

Why: bolt parses the body before it checks the signature and raises on junk, so malformed and
unsigned bodies alike became a 500. Here, in Slack's order of trust: a body over the limit is
413, an unsigned or forged one 401 (verified with slack_sdk's ``SignatureVerifier``, the same
check bolt makes afterwards), and a signed one that is not a Slack request of a shape we serve
is 400. Parsing follows bolt's own rules (``parse_body``) so that what passes here parses there.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from bot.adapters.http_edge import (
    BadRequestError,
    decode,
    form_fields,
    json_object,
    read_body,
    refuse,
    require_dict,
    require_str,
)

ENDPOINT = "slack"


def slack_payload(text: str, content_type: str) -> dict[str, Any]:
    """The request as bolt will see it; :class:`BadRequestError` when it is not one we serve."""
    if not text:
        raise BadRequestError("empty body")
    if content_type == "application/json" or text.startswith("{"):
        data = json_object(text)
        require_str(data, "type")
        if data["type"] == "event_callback":
            require_dict(data, "event")
            require_str(data["event"], "type")
        elif data["type"] == "url_verification":
            require_str(data, "challenge")
        return data
    fields = form_fields(text)
    if "payload" in fields:
        payload = json_object(fields["payload"])
        require_str(payload, "type")
        return payload
    if "payload" in text:
        raise BadRequestError("'payload' missing")  # bolt would read this body as empty
    require_str(fields, "command", "team_id", "user_id")
    return fields


async def check(request: web.Request, verifier: SignatureVerifier | None) -> web.Response | None:
    """None when the request may go on to bolt, else the refusal to send."""
    body = await read_body(request, ENDPOINT)
    if isinstance(body, web.Response):
        return body
    if verifier is not None:
        # slack_sdk raises on a timestamp that is not a number; that is just as unsigned.
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not (timestamp.isascii() and timestamp.isdigit()) or not verifier.is_valid(
            body=body, timestamp=timestamp, signature=signature
        ):
            return refuse(ENDPOINT, 401, "invalid signature")
    try:
        slack_payload(decode(body), request.content_type)
    except BadRequestError as exc:
        return refuse(ENDPOINT, 400, str(exc))
    return None
