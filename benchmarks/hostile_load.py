"""A hostile request beside 100 normal ones, against ``signaalbot serve`` in its own process
(issue 14, must-have 4: no request delays another by more than 100 ms).

Why separate processes: in the earlier in-process version (``concurrency_load.py --only
hostile``, removed) the bot shared its event loop with the load generator, so building and
sending the hostile requests counted as the server's time. Here the bot runs as ``python -m
bot serve`` (:mod:`benchmarks.serve_process`); this process holds the fakes on loopback (Slack
Web API, Bot Connector, OpenID key server) and the normal traffic; the hostile requests come
from a third process (:mod:`benchmarks.hostile_requests`). Every body and signature is made
before the clock starts. The load generator's own loop lag is printed with each result.

Two servers per run, each measured "alone" (the normal traffic only) and "beside" (the same
traffic while the hostile requests are in flight), on SQLite and PostgreSQL:

- ``secured``: an app id, so every Teams token is really validated; the signing keys come from
  ``SIGNAALBOT_TEAMS_OPENID_METADATA_URL``, a fake that never answers (held until the end).
  Normal: 100 signed Slack ``/signaal``. Hostile: 50 forged Teams JWTs (their key download
  hangs), a 1 MB Teams body of ``<at>`` tags with a forged JWT, a signed Slack ``/signaal``
  with 1 MB of text, a 1.5 MB Slack body, JSON nested 50,000 deep on both endpoints.
- ``emulator``: no app id (tokens are not checked, so the 1 MB messages reach the handler).
  Normal: 100 Slack ``/signaal`` and 10 Teams "help". Hostile: 1 MB Teams messages of
  unclosed ``<at>`` tags and of ``<at>x</at>`` mentions (each answered with the catalogue's
  "too long" message, checked at the fake connector), the Slack and nested-JSON ones above.

Printed per server: normal latency alone and beside (p50 / p99 / max, ms), the added p99 and
max, and the hostile answers (status: count). ``--profile DIR`` runs each server under cProfile
and leaves ``DIR/<db>-<server>-<run>.prof`` (read with ``python -m pstats``).

Run:  PYTHONPATH=. python benchmarks/hostile_load.py [--runs 3] [--only sqlite|postgres]
      [--postgres URL] [--profile DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, cast

import aiohttp
from aiohttp.test_utils import TestServer

from benchmarks.hostile_requests import (
    APP_ID,
    Attack,
    HangingKeys,
    LoopLag,
    attacker,
    fire,
    normal_requests,
)
from benchmarks.intake_crash_people import QuietConnector
from benchmarks.serve_load import TimedSlack
from benchmarks.serve_process import BotProcess, base_env, free_port
from benchmarks.slack_ack import drop, pct, postgres_db
from kernel.i18n import Catalogue
from storage.db import upgrade
from tests.integration.teams.driver import TENANT
from tests.slack_support import BOT_TOKEN, SIGNING_SECRET, running

# Normal traffic per server: (Slack /signaal, Teams "help") at once.
MIX = {"secured": (100, 0), "emulator": (100, 10), "teams": (0, 100)}
TOO_LONG = Catalogue.load().translator("nl")("core.message_too_long", max=0, length=0)[:20]


async def settled(
    bot: BotProcess, fake: TimedSlack, tag: str, slack: int, timeout: float = 120.0
) -> None:
    """Wait until every modal of phase ``tag`` has its form (the turns after the acks are done)
    and the server is idle (under 10 % of a core for half a second), so neither one phase's
    background work nor the start-up's (the demo catalogue's vectors are made in the first
    seconds) runs into the next phase's measurement."""
    triggers = [f"trig-{tag}-{i}" for i in range(slack)]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not all(t in fake.form_at for t in triggers):
        await asyncio.sleep(0.05)
    while time.monotonic() < deadline:
        before = bot.cpu()
        await asyncio.sleep(0.5)
        if bot.cpu() - before < 0.05:
            return


def summary(answers: dict[str, tuple[int, float]], prefix: str) -> dict[str, float]:
    times = [ms for name, (_, ms) in answers.items() if name.startswith(prefix)]
    bad = sum(status != 200 for name, (status, _) in answers.items() if name.startswith(prefix))
    if not times:
        return {}
    return {"p50": statistics.median(times), "p99": pct(times, 0.99), "max": max(times), "bad": bad}


async def measure_server(
    db_url: str, server: str, attack: Attack, profile: Path | None, pace: float = 0.0
) -> dict[str, Any]:
    """One server: warm up, normal traffic alone, then beside the hostile requests."""
    keys = HangingKeys()
    keys_server = TestServer(keys.app(), host="127.0.0.1")
    await keys_server.start_server()
    connector = QuietConnector()
    connector_server = TestServer(connector.app(), host="127.0.0.1")
    await connector_server.start_server()
    service_url = str(connector_server.make_url("/"))
    try:
        async with running(TimedSlack()) as timed:
            fake = cast(TimedSlack, timed)
            with tempfile.TemporaryDirectory() as folder:
                port = free_port()
                env = base_env(db_url, port, Path(folder))
                env.update(
                    SIGNAALBOT_SLACK_BOT_TOKEN=BOT_TOKEN,
                    SIGNAALBOT_SLACK_SIGNING_SECRET=SIGNING_SECRET,
                    SIGNAALBOT_SLACK_API_URL=fake.api_url,
                )
                if attack.secured:
                    env.update(
                        SIGNAALBOT_TEAMS_APP_ID=APP_ID,
                        SIGNAALBOT_TEAMS_TENANT_ID=TENANT,
                        SIGNAALBOT_BASE_URL="https://bot.gemeente.nl",
                        SIGNAALBOT_TEAMS_OPENID_METADATA_URL=str(keys_server.make_url("/metadata")),
                    )
                else:
                    env["SIGNAALBOT_TEAMS_EMULATOR"] = "true"
                wrapper = [str(Path(__file__).with_name("profiled_serve.py")), str(profile)]
                wrapper = wrapper if profile else []
                bot = BotProcess(env, port, Path(folder), wrapper=wrapper)
                bot.start()
                try:
                    await bot.ready()
                    return await phases(
                        bot, fake, service_url, server, attack, connector, keys, pace
                    )
                finally:
                    keys.release.set()
                    bot.stop()
    finally:
        keys.release.set()
        await keys_server.close()
        await connector_server.close()


async def phases(
    bot: BotProcess,
    fake: TimedSlack,
    service_url: str,
    server: str,
    attack: Attack,
    connector: QuietConnector,
    keys: HangingKeys,
    pace: float = 0.0,
) -> dict[str, Any]:
    mix = MIX[server]
    limits = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=120)
    loop = asyncio.get_running_loop()
    spawn = multiprocessing.get_context("spawn")
    ours, theirs = spawn.Pipe()
    args = (bot.base, service_url, attack, theirs)
    process = spawn.Process(target=attacker, args=args, daemon=True)
    process.start()
    try:
        async with aiohttp.ClientSession(connector=limits, timeout=timeout) as http:
            for tag in ("warm1", "warm2"):  # people created, connections and caches warm
                await fire(normal_requests(http, bot.base, service_url, mix, tag))
                await settled(bot, fake, tag, mix[0])
            await loop.run_in_executor(None, ours.recv)  # the attacker is ready
            with LoopLag() as lag_alone:
                alone = await fire(normal_requests(http, bot.base, service_url, mix, "alone"), pace)
            await settled(bot, fake, "alone", mix[0])
            normal = normal_requests(http, bot.base, service_url, mix, "beside")
            calls_before = len(connector.calls)
            cpu_before = bot.cpu()
            ours.send("go")
            with LoopLag() as lag_beside:
                await asyncio.sleep(0.005)  # the hostile bodies are on their way first
                beside = await fire(normal, pace)
            attacked: dict[str, tuple[int, float]] = await loop.run_in_executor(None, ours.recv)
            cpu = bot.cpu() - cpu_before
            await settled(bot, fake, "beside", mix[0])
    finally:
        process.join(timeout=30)
    replies = [json.dumps(c.body, ensure_ascii=False) for c in connector.calls[calls_before:]]
    return {
        "slack_alone": summary(alone, "slack"),
        "slack_beside": summary(beside, "slack"),
        "teams_alone": summary(alone, "teams"),
        "teams_beside": summary(beside, "teams"),
        "hostile": Counter(status for status, _ in attacked.values()),
        "hostile_max_ms": max(ms for _, ms in attacked.values()),
        "hostile_named": {n: a for n, a in attacked.items() if "forged" not in n},
        "too_long_replies": sum(TOO_LONG in r for r in replies),
        "key_downloads": keys.requests,
        "server_cpu_s": cpu,
        "client_lag_ms": (lag_alone.worst, lag_beside.worst),
    }


def report(db: str, server: str, run: int, r: dict[str, Any]) -> None:
    for who in ("slack", "teams"):
        alone, beside = r[f"{who}_alone"], r[f"{who}_beside"]
        if not alone:
            continue
        print(
            f"| {run} | {db} | {server} | {who} ({'bad ' + str(int(beside['bad'])) if beside['bad'] else 'all 200'}) |"
            f" {alone['p50']:.0f} / {alone['p99']:.0f} / {alone['max']:.0f} |"
            f" {beside['p50']:.0f} / {beside['p99']:.0f} / {beside['max']:.0f} |"
            f" {beside['p99'] - alone['p99']:.0f} / {beside['max'] - alone['max']:.0f} |"
            f" {os.getloadavg()[0]:.1f} |",
            flush=True,
        )
    named = ", ".join(f"{n} {s} ({ms:.0f} ms)" for n, (s, ms) in r["hostile_named"].items())
    print(
        f"  hostile: {dict(r['hostile'])}, slowest {r['hostile_max_ms']:.0f} ms; {named}; "
        f"'too long' replies {r['too_long_replies']}; key downloads {r['key_downloads']}; "
        f"server CPU during 'beside' {r['server_cpu_s']:.2f} s; load generator's loop lag "
        f"alone / beside {r['client_lag_ms'][0]:.0f} / {r['client_lag_ms'][1]:.0f} ms",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--server", choices=list(MIX))
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--profile", type=Path, help="folder for cProfile files of the server")
    parser.add_argument("--hostile", help="only the hostile requests starting with these (a,b)")
    parser.add_argument(
        "--control", action="store_true", help="the same requests at an ordinary size"
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=0.0,
        help="ms between the normal requests' starts (default 0: all at once)",
    )
    args = parser.parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    print(f"uptime load before: {os.getloadavg()}", flush=True)
    print(
        "| run | database | server | normal | alone p50 / p99 / max | beside p50 / p99 / max |"
        " added p99 / max | load |"
    )
    print("|---|---|---|---|---|---|---|---|")
    databases = [args.only] if args.only else ["sqlite", "postgres"]
    servers = [args.server] if args.server else list(MIX)
    for run in range(1, args.runs + 1):
        for db in databases:
            for server in servers:
                prof = args.profile / f"{db}-{server}-{run}.prof" if args.profile else None
                with tempfile.TemporaryDirectory() as folder:
                    url = (
                        f"sqlite:///{Path(folder) / 'h.db'}"
                        if db == "sqlite"
                        else postgres_db(args.postgres)
                    )
                    try:
                        upgrade(url)
                        r = asyncio.run(
                            measure_server(
                                url,
                                server,
                                Attack(server == "secured", args.hostile, args.control),
                                prof,
                                args.pace / 1000,
                            )
                        )
                    finally:
                        if db == "postgres":
                            drop(url)
                report(
                    "SQLite" if db == "sqlite" else "PostgreSQL",
                    server
                    + (" (control)" if args.control else "")
                    + (f" paced {args.pace:g} ms" if args.pace else ""),
                    run,
                    r,
                )
    print(f"uptime load after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
