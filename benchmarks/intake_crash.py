"""Reliability (issue 14, must-have 3): ``kill -9`` of ``signaalbot serve`` in the middle of a
burst of reports on Slack and Teams, a restart on the same database, and what the platforms
(and the people) do next. Every person must end with exactly one stored signal.

    PYTHONPATH=. python benchmarks/intake_crash.py [--people 100] [--trials 3]
        [--platform slack|teams|both] [--db sqlite|postgres|both] [--postgres URL]
        [--ack-budget SECONDS]

The real server runs as a subprocess (``python -m bot serve``); the fake Slack Web API and the
fake Bot Connector run in this process on loopback. Before the burst every person opens the
signal form (Slack: ``/signaal`` and its modal; Teams: the form card). Then the people submit,
one every ``--gap`` seconds, and click "nee, dit is nieuw" when similar signals are shown. After
a random 20-80 % of the submits were sent the server gets SIGKILL; it is started again on the
same database and every person finishes their flow (see ``benchmarks/intake_crash_people.py``
for what the platform redelivers). Counted per person by their unique text: lost (no signal
stored), duplicated (more than one), and whether they saw the confirmation.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from sqlalchemy import create_engine, select

from benchmarks.intake_crash_people import (
    TEXT,
    Gate,
    Outcome,
    QuietConnector,
    SlackPerson,
    TeamsPerson,
)
from benchmarks.serve_process import BotProcess, base_env, free_port
from benchmarks.slack_ack import drop, postgres_db
from kernel.i18n import Catalogue
from storage.db import sync_url, upgrade
from storage.models import SignalRow
from tests.slack_support import BOT_TOKEN, SIGNING_SECRET, FakeSlack, running

# The server keeps a Slack answer given after the ack in the outbox, sent when not delivered
# within this grace (turn/follow_up.py; 45 s by default, shorter here to keep trials short).
FOLLOW_UP_GRACE = 10.0
# How long a person waits for the bot's DM after the restart before acting again.
FOLLOW_UP_WAIT = FOLLOW_UP_GRACE + 20.0

T = Catalogue.load().translator("nl")
SAVED = T("signals.saved", ref="\x00").split("\x00")[0]
WORKING = T("slack.working")
RETRY = T("core.db_unavailable")
# What can answer a click on "nee, dit is nieuw": the confirmation, nothing waiting, a failure.
FINAL = (
    SAVED,
    T("signals.nothing_pending"),
    T("core.db_unavailable"),
    T("core.error", code="\x00").split("\x00")[0],
)


def stored_count(db_url: str) -> Callable[[str], Awaitable[int]]:
    """How many signals have this text now (asked when a person reports again)."""
    engine = create_engine(sync_url(db_url))

    def count(text: str) -> int:
        with engine.connect() as conn:
            return len(list(conn.scalars(select(SignalRow.id).where(SignalRow.text == text))))

    async def ask(text: str) -> int:
        return await asyncio.to_thread(count, text)

    return ask


def stored_texts(db_url: str) -> Counter[str]:
    engine = create_engine(sync_url(db_url))
    try:
        with engine.connect() as conn:
            return Counter(conn.scalars(select(SignalRow.text)))
    finally:
        engine.dispose()


async def gather_limited(coros: list[Any], limit: int) -> None:
    gate = asyncio.Semaphore(limit)

    async def one(coro: Any) -> None:
        async with gate:
            await coro

    await asyncio.gather(*(one(c) for c in coros))


async def burst(
    server: BotProcess, people: list[Any], gap: float, kill_after: int
) -> tuple[list[Outcome], dict[str, float]]:
    """Everyone submits (one every ``gap`` s); SIGKILL after ``kill_after`` submits were sent,
    restart, and wait until every person has finished."""
    gate = Gate()
    gate.up.set()

    async def person(index: int, who: Any) -> Outcome:
        await asyncio.sleep(index * gap)
        outcome: Outcome = await who.run(gate)
        return outcome

    began = time.monotonic()
    tasks = [asyncio.ensure_future(person(i, p)) for i, p in enumerate(people)]
    while gate.sent < kill_after:
        await asyncio.sleep(0.001)
    gate.up.clear()
    gate.generation += 1
    gate.killed_at = time.monotonic()
    server.kill()
    answered = sum(t.done() for t in tasks)
    killed = time.monotonic() - began
    server.start()
    await server.ready()
    restarted = time.monotonic()
    gate.up.set()
    outcomes = await asyncio.wait_for(asyncio.gather(*tasks), timeout=900)
    return outcomes, {
        "done_at_kill": answered,
        "kill_s": killed,
        "recovery_s": time.monotonic() - restarted,
    }


async def trial(
    platform: str,
    db_url: str,
    n: int,
    gap: float,
    rng: random.Random,
    keep: Path | None,
    ack_budget: float | None = None,
) -> dict[str, Any]:
    upgrade(db_url)
    with tempfile.TemporaryDirectory() as folder:
        logs = Path(folder)
        if keep is not None:
            logs = Path(tempfile.mkdtemp(prefix=f"{platform}-", dir=keep))
        port = free_port()
        env = base_env(db_url, port, logs, "warning" if keep is None else "info")
        timeout = aiohttp.ClientTimeout(total=120)
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}", timeout=timeout) as session:
            if platform == "slack":
                async with running(FakeSlack()) as fake:
                    env.update(
                        SIGNAALBOT_SLACK_BOT_TOKEN=BOT_TOKEN,
                        SIGNAALBOT_SLACK_SIGNING_SECRET=SIGNING_SECRET,
                        SIGNAALBOT_SLACK_API_URL=fake.api_url,
                        SIGNAALBOT_FOLLOW_UP_GRACE_SECONDS=str(FOLLOW_UP_GRACE),
                    )
                    if ack_budget is not None:
                        env["SIGNAALBOT_SLACK_ACK_BUDGET_SECONDS"] = str(ack_budget)
                    count = stored_count(db_url)
                    people: list[Any] = [
                        SlackPerson(
                            i, session, fake, SAVED, WORKING, FINAL, RETRY, FOLLOW_UP_WAIT, count
                        )
                        for i in range(n)
                    ]
                    result = await run_trial(BotProcess(env, port, logs), people, gap, rng)
            else:
                connector = QuietConnector()
                fake_server = TestServer(connector.app(), host="127.0.0.1")
                await fake_server.start_server()
                connector.url = str(fake_server.make_url("/"))  # type: ignore[attr-defined]
                env["SIGNAALBOT_TEAMS_EMULATOR"] = "true"
                people = [TeamsPerson(i, session, connector, SAVED, RETRY) for i in range(n)]
                try:
                    result = await run_trial(BotProcess(env, port, logs), people, gap, rng)
                finally:
                    await fake_server.close()
    stored = stored_texts(db_url)
    per_person = [stored.get(TEXT.format(i=i), 0) for i in range(n)]
    outcomes: list[Outcome] = result.pop("outcomes")
    return {
        "platform": platform,
        "people": n,
        **result,
        "lost": sum(c == 0 for c in per_person),
        "duplicated": sum(max(c - 1, 0) for c in per_person),
        "confirmed": sum(o.confirmations > 0 for o in outcomes),
        "confirmed_twice": sum(o.confirmations > 1 for o in outcomes),
        "redeliveries": sum(o.redeliveries for o in outcomes),
        "re_reported": sum(o.re_reported for o in outcomes),
        "followed_up": sum(o.followed_up > 0 for o in outcomes),
        "re_reported_stored": sum(o.re_reported_stored for o in outcomes),
        "dm_twice": sum(o.dm_confirmations > 1 for o in outcomes),
        "tried_again": sum(o.tried_again for o in outcomes),
        "unexpected": sorted({u for o in outcomes for u in o.unexpected})[:5],
    }


async def run_trial(
    server: BotProcess, people: list[Any], gap: float, rng: random.Random
) -> dict[str, Any]:
    server.start()
    try:
        await server.ready()
        await gather_limited([p.prepare() for p in people], 10)
        kill_after = rng.randint(max(1, len(people) * 20 // 100), max(1, len(people) * 80 // 100))
        outcomes, times = await burst(server, people, gap, kill_after)
    finally:
        server.stop()
    return {"kill_after": kill_after, "outcomes": outcomes, **times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--gap", type=float, default=0.1, help="seconds between two submits")
    parser.add_argument("--platform", choices=["slack", "teams", "both"], default="both")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--logs", type=Path, help="keep the server logs in this folder")
    parser.add_argument(
        "--ack-budget",
        type=float,
        help="Slack: seconds a submit's turn may take before 'one moment' (server default 2)",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    platforms = ["slack", "teams"] if args.platform == "both" else [args.platform]
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(
        "| platform | database | trial | killed after (sent of N) | finished before kill |"
        " lost | duplicated | confirmed | redelivered | re-reported | of them stored |"
        " followed up | DM twice | tried again | recovery s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    failed = False
    for platform in platforms:
        for database in databases:
            for number in range(1, args.trials + 1):
                with tempfile.TemporaryDirectory() as folder:
                    url = (
                        f"sqlite:///{Path(folder) / 'crash.db'}"
                        if database == "sqlite"
                        else postgres_db(args.postgres)
                    )
                    try:
                        run = trial(
                            platform, url, args.people, args.gap, rng, args.logs, args.ack_budget
                        )
                        r = asyncio.run(run)
                    finally:
                        if database == "postgres":
                            drop(url)
                n = r["people"]
                print(
                    f"| {platform} | {database} | {number} | {r['kill_after']} of {n} |"
                    f" {r['done_at_kill']} | {r['lost']} | {r['duplicated']} |"
                    f" {r['confirmed']} of {n} | {r['redeliveries']} | {r['re_reported']} |"
                    f" {r['re_reported_stored']} |"
                    f" {r['followed_up']} | {r['dm_twice']} | {r['tried_again']} |"
                    f" {r['recovery_s']:.1f} |",
                    flush=True,
                )
                if r["unexpected"]:
                    print(f"  not confirmed, last shown: {r['unexpected']}", flush=True)
                failed = failed or bool(r["lost"] or r["duplicated"] or r["confirmed"] < n)
    print("FAIL" if failed else "PASS", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
