"""The requests of ``benchmarks/hostile_load.py``: the normal ones, the hostile ones, and
the attacker process that sends the hostile ones.

Every request is built (bodies encoded, Slack requests signed) before the clock starts; a
:data:`Send` only puts the bytes on the wire and times the answer.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import aiohttp
import jwt
from aiohttp import web

from benchmarks.serve_load import activity
from tests.slack_support import sign, slash_body

APP_ID = "11111111-2222-3333-4444-555555555555"
MB = 1_000_000

Send = Callable[[], Awaitable[tuple[int, float]]]


class HangingKeys:
    """The OpenID metadata endpoint of Microsoft, on loopback, that never answers (until the
    benchmark ends): every token whose key is not known waits for it (then times out)."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.requests = 0

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/metadata", self._metadata)
        return app

    async def _metadata(self, _request: web.Request) -> web.Response:
        self.requests += 1
        await self.release.wait()
        return web.json_response({})


def post(http: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str]) -> Send:
    """A prepared request: sends the bytes as they are, answers (status, ms)."""

    async def send() -> tuple[int, float]:
        began = time.perf_counter()
        async with http.post(url, data=body, headers=headers) as response:
            await response.read()
            return response.status, (time.perf_counter() - began) * 1000

    return send


def slash(user: str, text: str = "", trigger: str | None = None) -> tuple[bytes, dict[str, str]]:
    body = slash_body("/signaal", text, user=user, trigger_id=trigger)
    return body.encode(), {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}


def teams_request(
    data: dict[str, Any] | str, token: str | None = None
) -> tuple[bytes, dict[str, str]]:
    body = data if isinstance(data, str) else json.dumps(data)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return body.encode(), headers


def forged_token() -> str:
    """Well formed, the Bot Framework's issuer, a key id nobody published."""
    claims = {"iss": "https://api.botframework.com", "aud": APP_ID, "exp": int(time.time()) + 600}
    return jwt.encode(claims, "x" * 32, "HS256", headers={"kid": "forged"})


@dataclass(frozen=True)
class Attack:
    """Which hostile requests: ``secured`` (forged JWTs) or not; ``only`` those whose names
    start with one of these (comma-separated); ``control``: the same requests at an ordinary
    size ("hallo", ``[]``), to tell what the size and shape cost from what any request costs."""

    secured: bool
    only: str | None = None
    control: bool = False


def hostile_requests(
    http: aiohttp.ClientSession, base: str, service_url: str, attack: Attack
) -> dict[str, Send]:
    """The hostile requests of one server, built (and signed) before the clock starts."""

    def big(unit: str, size: int = MB) -> str:
        return "hallo" if attack.control else unit * (size // len(unit))

    token = forged_token() if attack.secured else None
    nested = "[]" if attack.control else "[" * 50_000 + "]" * 50_000
    requests: dict[str, Send] = {}
    events, messages = f"{base}/slack/events", f"{base}/api/messages"
    # "Jan ": the privacy guard's slowest input, were it ever scanned
    requests["slack 1 MB /signaal"] = post(http, events, *slash("UBIG", big("Jan ", MB - 400)))
    over = b"token=x&text=" + big("a", 3 * MB // 2).encode()
    form = {"Content-Type": "application/x-www-form-urlencoded", **sign(over.decode())}
    requests["slack 1.5 MB body"] = post(http, events, over, form)
    nested_headers = {"Content-Type": "application/json", **sign(nested)}
    requests["slack nested JSON"] = post(http, events, nested.encode(), nested_headers)
    requests["teams nested JSON"] = post(http, messages, *teams_request(nested, token))
    mentions = activity(service_url, 900, big("<at>"))
    requests["teams 1 MB <at>"] = post(http, messages, *teams_request(mentions, token))
    if attack.secured:
        small = teams_request(activity(service_url, 901, "hallo"), token)
        for i in range(50):
            requests[f"teams forged JWT {i}"] = post(http, messages, *small)
    else:
        closed = activity(service_url, 902, big("<at>x</at> "))
        requests["teams 1 MB <at>x</at>"] = post(http, messages, *teams_request(closed))
    if attack.only:  # e.g. "teams forged,slack 1 MB": to find what costs
        wanted = tuple(w.strip() for w in attack.only.split(","))
        requests = {n: r for n, r in requests.items() if n.startswith(wanted)}
    return requests


def normal_requests(
    http: aiohttp.ClientSession, base: str, service_url: str, mix: tuple[int, int], tag: str
) -> dict[str, Send]:
    """``mix``: so many Slack ``/signaal`` and Teams "help" of known people; the Slack trigger
    ids are ``trig-{tag}-{i}``, so the end of their work after the ack can be seen."""
    slack, teams = mix
    requests: dict[str, Send] = {}
    for i in range(slack):
        body = slash(f"UN{i:03d}", trigger=f"trig-{tag}-{i}")
        requests[f"slack {i}"] = post(http, f"{base}/slack/events", *body)
    for i in range(teams):
        body = teams_request(activity(service_url, i, "help"))
        requests[f"teams {i}"] = post(http, f"{base}/api/messages", *body)
    return requests


class LoopLag:
    """The longest this process's event loop was busy elsewhere (ms) while it ran: when the load
    generator itself lags, its own delay is in the measured latencies.

    The garbage collector is off meanwhile (after one collection): the fakes keep every call
    they saw, and a full collection over that heap held the load generator for 200-400 ms in
    the middle of a measurement. The server's own collections stay in (they are the bot's).
    """

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            began = time.perf_counter()
            await asyncio.sleep(0.001)
            self.worst = max(self.worst, (time.perf_counter() - began) * 1000 - 1)

    def __enter__(self) -> LoopLag:
        gc.collect()
        gc.disable()
        self._task = asyncio.ensure_future(self._tick())
        return self

    def __exit__(self, *_exc: object) -> None:
        gc.enable()
        assert self._task is not None
        self._task.cancel()


async def run_attack(base: str, service_url: str, attack: Attack, conn: Connection) -> None:
    """The attacker, in a process of its own: prepares, says "ready", fires on "go", reports.

    Why another process: sending 3.5 MB and 50 more requests stalled the load generator's own
    event loop by about 250 ms, which the normal requests' clocks then counted as the bot's.
    """
    limits = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=120)
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession(connector=limits, timeout=timeout) as http:
        requests = hostile_requests(http, base, service_url, attack)
        conn.send("ready")
        await loop.run_in_executor(None, conn.recv)
        with LoopLag():
            answers = await fire(requests)
    conn.send(answers)


def attacker(base: str, service_url: str, attack: Attack, conn: Connection) -> None:
    asyncio.run(run_attack(base, service_url, attack, conn))


async def fire(requests: dict[str, Send], pace: float = 0.0) -> dict[str, tuple[int, float]]:
    """Send every request, all at once, or with ``pace`` seconds between starts (in order).

    Why a pace: a burst of Teams turns queues behind the bot's turn gate, and that queueing
    (0.6-2 s, different in every burst) hides any delay a hostile request adds. Paced, each
    normal request meets an otherwise idle server, so what it waits for is the hostile one.
    """
    names = list(requests)

    async def in_turn(number: int, name: str) -> tuple[int, float]:
        if pace:
            await asyncio.sleep(number * pace)
        return await requests[name]()

    answers = await asyncio.gather(*(in_turn(i, n) for i, n in enumerate(names)))
    return dict(zip(names, answers, strict=True))
