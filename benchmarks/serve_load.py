"""200 people at once against a real ``signaalbot serve`` process (issue 14, must-have 5).

Why a separate process: in ``concurrency_load.py --only latency`` the load generator, the fake
Slack API, the fake Bot Connector (which validates every card against the schema) and the bot
share one event loop, so the client's CPU is counted as the server's. Here the bot runs as
``python -m bot serve`` (settings from ``SIGNAALBOT_*`` environment variables pointing at the
fakes), alone in its process; this process holds the fakes and the load generator. On a
2-core machine both processes still share the two cores, as a real bot shares its host.

Measured, per database (SQLite in a temporary file, PostgreSQL in a fresh database):

- Slack: N signed ``/signaal`` commands at once; ack latency (p50/p99), the time from each
  command to its ``views.open`` at the fake (p99, max, how many over 1 s; the target is 1 s,
  Slack's trigger id lives 3 s) and until the form is in the modal (the same call, or the
  ``views.update`` after "one moment");
- Teams: N people say "help" at once (emulator mode, no app id); the time until the HTTP
  answer (the reply reaches the connector before it), p50/p99.

Each burst runs twice: first with N new people (each turn also creates the person), then the
same people again. ``--profile FILE`` runs the server under pyinstrument (if installed) and
writes its report there.

Run:  PYTHONPATH=. python benchmarks/serve_load.py [--n 200] [--postgres URL]
      [--only sqlite|postgres] [--workers N] [--profile FILE] [--code SOURCE_TREE]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from typing_extensions import override

from benchmarks.serve_process import ROOT, BotProcess, base_env, free_port
from benchmarks.slack_ack import drop, pct, postgres_db
from storage.db import upgrade
from tests.integration.teams.driver import BOT, TENANT
from tests.integration.teams.fake_connector import FakeConnector
from tests.slack_support import BOT_TOKEN, SIGNING_SECRET, FakeSlack, running, sign, slash_body


class TimedSlack(FakeSlack):
    """The fake Slack API, noting per trigger id when its modal opened and when the form was in
    it (the same moment, or a ``views.update`` after "one moment")."""

    def __init__(self) -> None:
        super().__init__()
        self.opened_at: dict[str, float] = {}
        self.form_at: dict[str, float] = {}
        self._trigger_of: dict[str, str] = {}

    @override
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        response = await super()._api(request)
        now = time.perf_counter()
        call = self.calls[-1]  # appended by the call above, with no await since
        view = call.params.get("view")
        has_inputs = isinstance(view, dict) and any(
            b.get("type") == "input" for b in view.get("blocks", [])
        )
        if method == "views.open":
            trigger = str(call.params.get("trigger_id"))
            self.opened_at.setdefault(trigger, now)
            if call.view_id:
                self._trigger_of[call.view_id] = trigger
            if has_inputs:
                self.form_at.setdefault(trigger, now)
        elif method == "views.update" and has_inputs:
            trigger = self._trigger_of.get(str(call.params.get("view_id")), "")
            if trigger:
                self.form_at.setdefault(trigger, now)
        return response


class QuietConnector(FakeConnector):
    """The fake Bot Connector without the card schema check (client CPU, not the bot's)."""

    @override
    def check_cards(self, body: Any) -> None:
        return None


@contextmanager
def server(
    url: str,
    slack_api: str,
    data_dir: str,
    profile: str | None,
    workers: int = 1,
    code: Path = ROOT,
) -> Iterator[BotProcess]:
    """``python -m bot serve`` on a free loopback port (the bot's code from ``code``)."""
    port = free_port()
    env = base_env(url, port, Path(data_dir), code=code)
    env.update(
        SIGNAALBOT_SLACK_BOT_TOKEN=BOT_TOKEN,
        SIGNAALBOT_SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SIGNAALBOT_SLACK_API_URL=slack_api,
        SIGNAALBOT_TEAMS_EMULATOR="true",
    )
    process = BotProcess(
        env,
        port,
        Path(data_dir),
        args=["--workers", str(workers)] if workers > 1 else [],
        wrapper=["-m", "pyinstrument", "-r", "text", "-o", profile] if profile else [],
        stop_signal=signal.SIGINT,
    )
    process.start()
    try:
        yield process
    finally:
        process.stop()


async def slack_burst(
    http: aiohttp.ClientSession, base: str, fake: TimedSlack, n: int, tag: str
) -> dict[str, float]:
    acks: list[float] = []
    sent: dict[str, float] = {}

    async def slash(i: int) -> None:
        trigger = f"trig-{tag}-{i}-{uuid.uuid4().hex[:6]}"
        body = slash_body(
            "/signaal", "", user=f"UL{i:03d}", trigger_id=trigger, response_url=fake.respond_url()
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
        began = sent[trigger] = time.perf_counter()
        async with http.post(f"{base}/slack/events", data=body.encode(), headers=headers) as r:
            await r.read()
            assert r.status == 200, r.status
        acks.append((time.perf_counter() - began) * 1000)

    await asyncio.gather(*(slash(i) for i in range(n)))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(t in fake.opened_at for t in sent):
        await asyncio.sleep(0.05)
    while time.monotonic() < deadline and not all(t in fake.form_at for t in sent):
        await asyncio.sleep(0.05)
    opened = [(fake.opened_at[t] - sent[t]) * 1000 for t in sent if t in fake.opened_at]
    forms = [(fake.form_at[t] - sent[t]) * 1000 for t in sent if t in fake.form_at]
    return {
        "form_p99": pct(forms, 0.99) if forms else float("nan"),
        "form_max": max(forms) if forms else float("nan"),
        "ack_p50": statistics.median(acks),
        "ack_p99": pct(acks, 0.99),
        "open_p99": pct(opened, 0.99) if opened else float("nan"),
        "open_max": max(opened) if opened else float("nan"),
        "open_over_1s": sum(o > 1000 for o in opened),
        "opened": len(opened),
    }


def activity(service_url: str, i: int, text: str) -> dict[str, Any]:
    aad = f"aad-p{i}"
    return {
        "type": "message",
        "id": f"{aad}-{uuid.uuid4().hex[:8]}",
        "timestamp": "2026-11-23T09:30:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": f"29:p{i}", "name": f"P{i}", "aadObjectId": aad},
        "conversation": {
            "id": f"a:personal-p{i}",
            "conversationType": "personal",
            "tenantId": TENANT,
        },
        "recipient": dict(BOT),
        "locale": "nl-NL",
        "channelData": {"tenant": {"id": TENANT}},
        "text": text,
    }


async def teams_burst(
    http: aiohttp.ClientSession, base: str, service_url: str, n: int
) -> dict[str, float]:
    times: list[float] = []

    async def ask(i: int) -> None:
        began = time.perf_counter()
        async with http.post(f"{base}/api/messages", json=activity(service_url, i, "help")) as r:
            await r.read()
            assert r.status == 200, r.status
        times.append((time.perf_counter() - began) * 1000)

    await asyncio.gather(*(ask(i) for i in range(n)))
    return {"p50": statistics.median(times), "p99": pct(times, 0.99), "max": max(times)}


async def measure(
    url: str, n: int, profile: str | None, workers: int = 1, code: Path = ROOT
) -> dict[str, dict[str, float]]:
    upgrade(url)
    connector_fake = QuietConnector()
    connector = TestServer(connector_fake.app(), host="127.0.0.1")
    await connector.start_server()
    service_url = str(connector.make_url("/"))
    results: dict[str, dict[str, float]] = {}
    try:
        async with running(TimedSlack()) as fake:
            assert isinstance(fake, TimedSlack)
            with (
                tempfile.TemporaryDirectory() as data_dir,
                server(url, fake.api_url, data_dir, profile, workers, code) as bot,
            ):
                limits = aiohttp.TCPConnector(limit=0, force_close=True)
                async with aiohttp.ClientSession(connector=limits) as http:
                    await bot.ready()
                    await bot.settled(workers if workers > 1 else 0)
                    await slack_burst(http, bot.base, fake, 1, "warm")
                    await teams_burst(http, bot.base, service_url, 1)
                    bursts: dict[str, Callable[[], Awaitable[dict[str, float]]]] = {
                        "slack_new": lambda: slack_burst(http, bot.base, fake, n, "a"),
                        "slack_known": lambda: slack_burst(http, bot.base, fake, n, "b"),
                        "teams_new": lambda: teams_burst(http, bot.base, service_url, n),
                        "teams_known": lambda: teams_burst(http, bot.base, service_url, n),
                    }
                    for name, burst in bursts.items():
                        await asyncio.sleep(2.0)  # the previous burst's work after the answers
                        before = bot.cpu()
                        results[name] = await burst()
                        await asyncio.sleep(1.0)
                        results[name]["cpu_ms"] = 1000 * (bot.cpu() - before) / n
    finally:
        await connector.close()
    return results


def row(db: str, who: str, slack: dict[str, float], teams: dict[str, float]) -> str:
    return (
        f"| {db} | {who} | {slack['ack_p50']:.0f} / {slack['ack_p99']:.0f} | "
        f"{slack['open_p99']:.0f} / {slack['open_max']:.0f} "
        f"({slack['open_over_1s']:.0f} of {slack['opened']:.0f} over 1 s) | "
        f"{slack['form_p99']:.0f} / {slack['form_max']:.0f} | "
        f"{teams['p50']:.0f} / {teams['p99']:.0f} | "
        f"{slack['cpu_ms']:.1f} / {teams['cpu_ms']:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--profile", help="write a pyinstrument report of the server here")
    parser.add_argument("--workers", type=int, default=1, help="serve --workers N")
    parser.add_argument(
        "--code", type=Path, default=ROOT, help="run the bot from this source tree (a before)"
    )
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f}", flush=True)
    print(
        "| database | people | Slack ack p50 / p99 | views.open p99 / max | form shown p99 / max |"
        " Teams p50 / p99 | server CPU ms per command / Teams turn |"
    )
    print("|---|---|---|---|---|---|---|")
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            r = asyncio.run(
                measure(
                    f"sqlite:///{Path(folder) / 'b.db'}",
                    args.n,
                    args.profile,
                    args.workers,
                    args.code,
                )
            )
        print(row("SQLite", "new", r["slack_new"], r["teams_new"]), flush=True)
        print(row("SQLite", "known", r["slack_known"], r["teams_known"]), flush=True)
    if args.only in (None, "postgres"):
        pg = postgres_db(args.postgres)
        try:
            r = asyncio.run(measure(pg, args.n, args.profile, args.workers, args.code))
        finally:
            drop(pg)
        print(row("PostgreSQL", "new", r["slack_new"], r["teams_new"]), flush=True)
        print(row("PostgreSQL", "known", r["slack_known"], r["teams_known"]), flush=True)
    print(f"load after: {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
