"""Many people at once (issue 14): lost signals and latency at 200 concurrent, in one process.

Everything runs through the real aiohttp app on loopback: Slack requests signed as Slack signs
them with a fake Slack Web API, Teams activities with a fake Bot Connector, SQLite in a
temporary file and PostgreSQL in a fresh database.

1. Load: N people (1, 5, 10, 20, 50) at once open the signal form (``/signaal``) and submit it;
   when similar signals are shown they click "nee, dit is nieuw". Lost = people whose signal is
   not stored; "not confirmed" = people whose last answer was not the confirmation.
2. Latency at 200 concurrent: Slack ack of ``/signaal`` (p50/p99), time from the command to
   ``views.open`` at the fake (p99, max; Slack's trigger lives 3 s, the target is 1 s), Teams
   "help" round trip (the reply reaches the connector before the HTTP answer).
(A hostile request beside normal ones was measured here too; it is now
``benchmarks/hostile_load.py``, with the bot in a process of its own.)

In-process: the load generator, the fakes and the bot share one event loop, so the latency
numbers count the client's CPU as the bot's. The honest latency benchmark, with the bot in a
``signaalbot serve`` process of its own, is ``benchmarks/serve_load.py``.

Run:  PYTHONPATH=. python benchmarks/concurrency_load.py [--postgres URL] [--only load|latency]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from typing_extensions import override

from benchmarks.slack_ack import drop, pct, postgres_db
from bot.bootstrap import Runtime, bootstrap
from bot.web import build_web_app
from kernel.i18n import Catalogue
from kernel.logging import configure_logging
from kernel.settings import Settings
from storage.db import upgrade
from tests.integration.teams.driver import TENANT, TeamsChat
from tests.integration.teams.fake_connector import FakeConnector
from tests.slack_support import (
    BOT_TOKEN,
    SIGNING_SECRET,
    TEAM,
    FakeSlack,
    SlackDriver,
    running,
    sign,
    slash_body,
    submission,
)
from tests.unit.handlers.util import signal_values

WORKING = Catalogue.load().translator("nl")("slack.working")
TEXT = "Steeds meer ouderen wachten lang op een traplift via de Wmo in wijk {i}, soms maanden."


class TimedSlack(FakeSlack):
    """The fake Slack API, noting when each ``views.open`` arrived (by trigger id)."""

    def __init__(self) -> None:
        super().__init__()
        self.opened_at: dict[str, float] = {}

    @override
    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "views.open":
            raw = await request.text()
            params = json.loads(raw) if raw.startswith("{") else {}
            self.opened_at[str(params.get("trigger_id"))] = time.perf_counter()
        return await super()._api(request)


async def slack_app(url: str, fake: FakeSlack) -> tuple[Runtime, Any, TestClient[Any, Any]]:
    settings = Settings(
        database_url=url,
        slack_bot_token=BOT_TOKEN,  # type: ignore[arg-type]
        slack_signing_secret=SIGNING_SECRET,  # type: ignore[arg-type]
        slack_api_url=fake.api_url,
        log_level="error",
    )
    runtime = await bootstrap(settings)
    web_app = build_web_app(runtime)
    client: TestClient[Any, Any] = TestClient(TestServer(web_app, host="127.0.0.1"))
    await client.start_server()
    return runtime, runtime.slack, client


def _match_new_button(answer: dict[str, Any]) -> dict[str, Any] | None:
    for block in (answer.get("view") or {}).get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if str(element.get("action_id", "")).startswith("signal.match.new"):
                return dict(element)
    return None


async def one_person(driver: SlackDriver, view: dict[str, Any], i: int) -> str:
    """Submit the form; click "nee, dit is nieuw" when offered. Returns the last text shown.

    Each person has a modal of their own (view id ``V-i``). A submission that takes longer than
    the adapter's ack budget first shows "one moment" and the answer arrives by
    ``views.update``; the person then reads that one, as in Slack.
    """
    view_id = f"V-{i}"
    values = signal_values(TEXT.format(i=i))
    status, text = await driver.interact(
        submission(view, values, user=driver.user, team=driver.team, view_id=view_id)
    )
    assert status == 200, text
    answer = json.loads(text) if text else {}
    if WORKING in json.dumps(answer, ensure_ascii=False):
        answer = await _updated(driver.fake, view_id)
    button = _match_new_button(answer)
    if button is not None:
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM, "domain": "gemeente"},
            "user": {"id": driver.user, "username": driver.user.lower(), "team_id": TEAM},
            "api_app_id": "A1",
            "trigger_id": f"trig-{uuid.uuid4().hex[:10]}",
            "container": {"type": "view", "view_id": view_id},
            "view": {**answer["view"], "id": view_id, "hash": "h"},
            "actions": [
                {
                    "action_id": button["action_id"],
                    "block_id": "b",
                    "type": "button",
                    "value": button.get("value", ""),
                    "action_ts": "1.1",
                }
            ],
        }
        status, _ = await driver.interact(payload)
        assert status == 200
        return "clicked"
    return json.dumps(answer, ensure_ascii=False)


async def _updated(fake: FakeSlack, view_id: str, wait: float = 120.0) -> dict[str, Any]:
    """The view the bot put into modal ``view_id`` after "one moment"."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        for call in reversed(fake.called("views.update")):
            if call.params.get("view_id") == view_id:
                return {"response_action": "update", "view": call.params["view"]}
        await asyncio.sleep(0.05)
    raise AssertionError(f"no answer in modal {view_id}")


async def load(url: str, people: int) -> tuple[int, int]:
    """(lost, not confirmed) when ``people`` report at the same moment."""
    upgrade(url)
    async with running(FakeSlack()) as fake:
        bot, adapter, client = await slack_app(url, fake)
        try:
            drivers = [SlackDriver(client, fake, user=f"UP{i:03d}") for i in range(people)]
            await asyncio.gather(*(d.slash("/signaal") for d in drivers))
            await adapter.drain()
            view = fake.modal()
            await asyncio.gather(*(one_person(d, view, i) for i, d in enumerate(drivers)))
            await adapter.drain()
            async with bot.services.uow() as uow:
                stored = await uow.signals.find(limit=10_000)
            mine = {s.text for s in stored}
            lost = sum(TEXT.format(i=i) not in mine for i in range(people))
            t = bot.services.translator("nl")
            failed = t("core.db_unavailable")
            said = [json.dumps(c.params, ensure_ascii=False) for c in fake.calls]
            said += [json.dumps(r, ensure_ascii=False) for r in fake.responses]
            unhappy = sum(failed in s for s in said)
        finally:
            await client.close()
            await bot.close()
    return lost, unhappy


async def latency(url: str, n: int = 200) -> dict[str, float]:
    upgrade(url)
    results: dict[str, float] = {}
    async with running(TimedSlack()) as fake:
        assert isinstance(fake, TimedSlack)
        bot, adapter, client = await slack_app(url, fake)
        try:
            acks: list[float] = []
            sent: dict[str, float] = {}

            async def slash(i: int) -> None:
                trigger = f"trig-{i}-{uuid.uuid4().hex[:6]}"
                body = slash_body(
                    "/signaal",
                    "",
                    user=f"UL{i:03d}",
                    trigger_id=trigger,
                    response_url=fake.respond_url(),
                )
                headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
                began = sent[trigger] = time.perf_counter()
                response = await client.post("/slack/events", data=body.encode(), headers=headers)
                acks.append((time.perf_counter() - began) * 1000)
                assert response.status == 200

            await slash(-1)  # warm up
            await adapter.drain()
            acks.clear()
            await asyncio.gather(*(slash(i) for i in range(n)))
            await adapter.drain()
            opened = [(fake.opened_at[t] - sent[t]) * 1000 for t in sent if t in fake.opened_at]
            results.update(
                slack_ack_p50=statistics.median(acks),
                slack_ack_p99=pct(acks, 0.99),
                views_open_p99=pct(opened, 0.99),
                views_open_max=max(opened),
                views_open_over_1s=sum(o > 1000 for o in opened),
                views_opened=len(opened),
            )
        finally:
            await client.close()
            await bot.close()
    results.update(await teams_latency(url, n))
    return results


async def teams_app(
    url: str, fake: FakeConnector, app_id: str | None = None
) -> tuple[Runtime, TestClient[Any, Any]]:
    settings = Settings(
        database_url=url,
        teams_app_id=app_id,
        teams_tenant_id=TENANT if app_id else None,
        teams_emulator=app_id is None,
        base_url="https://bot.example.nl" if app_id else None,
        log_level="error",
    )
    runtime = await bootstrap(settings)
    web_app = build_web_app(runtime)
    client: TestClient[Any, Any] = TestClient(TestServer(web_app, host="127.0.0.1"))
    await client.start_server()
    return runtime, client


async def teams_latency(url: str, n: int) -> dict[str, float]:
    fake = FakeConnector()
    connector = TestServer(fake.app(), host="127.0.0.1")
    await connector.start_server()
    fake.url = str(connector.make_url("/"))  # type: ignore[attr-defined]
    bot, client = await teams_app(url, fake)
    try:
        chats = [
            TeamsChat(
                client=client,
                connector=fake,
                user_id=f"29:p{i}",
                aad=f"aad-p{i}",
                conversation_id=f"a:personal-p{i}",
            )
            for i in range(n)
        ]
        await chats[0].say("help")
        times: list[float] = []

        async def ask(chat: TeamsChat) -> None:
            began = time.perf_counter()
            calls = await chat.say("help")
            times.append((time.perf_counter() - began) * 1000)
            assert calls and chat.last_status == 200

        await asyncio.gather(*(ask(c) for c in chats))
    finally:
        await client.close()
        await connector.close()
        await bot.close()
    return {"teams_p50": statistics.median(times), "teams_p99": pct(times, 0.99)}


def run_on_both(postgres: str, work: Any) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        rows.append(("SQLite", asyncio.run(work(f"sqlite:///{Path(folder) / 'bench.db'}"))))
    pg = postgres_db(postgres)
    try:
        rows.append(("PostgreSQL", asyncio.run(work(pg))))
    finally:
        drop(pg)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--only", choices=["load", "latency"])
    parser.add_argument("--people", default="1,5,10,20,50")
    args = parser.parse_args()
    configure_logging("console", "error")
    if args.only in (None, "load"):
        print("| people at once | SQLite lost | PostgreSQL lost | not confirmed (SQLite / PG) |")
        print("|---|---|---|---|")
        for people in [int(p) for p in args.people.split(",")]:
            rows = run_on_both(args.postgres, lambda url, p=people: load(url, p))
            (_, (sl, su)), (_, (pl, pu)) = rows
            print(
                f"| {people} | {sl} ({100 * sl / people:.0f} %) | {pl} ({100 * pl / people:.0f} %)"
                f" | {su} / {pu} |",
                flush=True,
            )
    if args.only in (None, "latency"):
        print("in-process (client, fakes and bot on one loop; see serve_load.py):")
        for db, r in run_on_both(args.postgres, latency):
            print(
                f"| {db} | {r['slack_ack_p50']:.0f} / {r['slack_ack_p99']:.0f} | "
                f"{r['views_open_p99']:.0f} / {r['views_open_max']:.0f} "
                f"({r['views_open_over_1s']:.0f} of {r['views_opened']:.0f} over 1 s) | "
                f"{r['teams_p50']:.0f} / {r['teams_p99']:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
