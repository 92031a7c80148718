"""Reliability (a): ``kill -9`` of a serve-like process while it dispatches 1,000 due prompts,
then a restart. Every prompt must be delivered; duplicates may only come from the crash window
(the message in flight when the process died) and are counted.

    PYTHONPATH=. python benchmarks/cycle_crash.py [--trials 3] [--postgres]

The fake chat API runs in this process on loopback and counts deliveries per recipient.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from benchmarks.cycle_fake_api import FakeApi
from kernel.core import text_reply
from storage.db import Database, upgrade
from storage.models import PersonIdentityRow, PersonRow
from storage.uow import unit_of_work

ROOT = Path(__file__).resolve().parent.parent


async def seed(url: str, n: int) -> None:
    upgrade(url)
    db = Database(url)
    now = datetime.now(UTC)
    async with db.session() as s:
        await s.execute(
            insert(PersonRow),
            [
                {"id": i, "display_name": f"p{i}", "timezone": "Europe/Amsterdam",
                 "org_type": "municipality", "erased": False, "created_at": now}
                for i in range(1, n + 1)
            ],
        )  # fmt: skip
        await s.execute(
            insert(PersonIdentityRow),
            [
                {"person_id": i, "platform": "console", "user_id": f"p{i}", "last_seen_at": now}
                for i in range(1, n + 1)
            ],
        )
        await s.commit()
    async with unit_of_work(db) as uow:
        payload = text_reply("Fase 1 begint").model_dump(mode="json")
        rows = [
            {"key": f"crash:{i}", "person_id": i, "payload": payload,
             "not_before": now - timedelta(minutes=1)}
            for i in range(1, n + 1)
        ]  # fmt: skip
        await uow.outbox.enqueue_many(rows, now)
        await uow.commit()
    await db.dispose()


async def outbox_counts(url: str) -> dict[str, int]:
    db = Database(url)
    try:
        async with unit_of_work(db) as uow:
            return await uow.outbox.counts()
    finally:
        await db.dispose()


def spawn(url: str, api: str, lease: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "cycle_serve_worker.py"),
         "--db", url, "--api", api, "--lease", str(lease)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


async def trial(url: str, n: int, kill_at: int, lease: int, in_flight: bool) -> dict[str, object]:
    """``in_flight``: the fake API kills the worker while it is answering a send (the message
    reached the recipient but the worker never hears so): the worst moment, one duplicate due.
    Otherwise the kill comes from outside at a random moment of the dispatch."""
    await seed(url, n)
    api = FakeApi(delay=0.002)
    await api.start()
    started = time.perf_counter()
    worker = spawn(url, api.url, lease)
    if in_flight:
        api.trigger_at = kill_at
        api.on_trigger = lambda: os.kill(worker.pid, signal.SIGKILL)
    while sum(api.deliveries.values()) < kill_at:
        if worker.poll() is not None and not in_flight:
            raise RuntimeError("worker ended before the kill")
        await asyncio.sleep(0.005)
    if not in_flight:
        os.kill(worker.pid, signal.SIGKILL)  # kill -9 in the middle of the dispatch
    worker.wait()
    at_kill = sum(api.deliveries.values())
    before_restart = await outbox_counts(url)
    restarted = time.perf_counter()
    worker = spawn(url, api.url, lease)
    deadline = time.monotonic() + 180
    counts: dict[str, int] = {}
    while time.monotonic() < deadline:
        counts = await outbox_counts(url)
        if counts.get("sent", 0) == n:
            break
        await asyncio.sleep(0.25)
    recovered = time.perf_counter() - restarted
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
    await api.stop()
    duplicates = {user: count for user, count in api.deliveries.items() if count > 1}
    return {
        "kill": "in flight" if in_flight else "from outside",
        "prompts": n,
        "delivered_before_kill": at_kill,
        "outbox_at_kill": before_restart,
        "delivered_unique": len(api.deliveries),
        "deliveries_total": sum(api.deliveries.values()),
        "duplicates": sum(c - 1 for c in duplicates.values()),
        "duplicate_recipients": sorted(duplicates),
        "outbox_after": counts,
        "seconds_total": round(time.perf_counter() - started, 1),
        "seconds_restart_to_done": round(recovered, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prompts", type=int, default=1000)
    parser.add_argument("--trials", type=int, default=3, help="kill points (x2 modes)")
    parser.add_argument("--lease", type=int, default=2, help="claim lease in seconds")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument(
        "--postgres-server", default="postgresql://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    results = []
    for run in range(args.trials * 2):
        in_flight = run % 2 == 1
        point = run // 2
        kill_at = int(args.prompts * (0.2 + 0.6 * point / max(args.trials - 1, 1)))
        if args.postgres:
            name = f"sb_crash_{uuid.uuid4().hex[:8]}"
            admin = make_url(args.postgres_server).set(drivername="postgresql")
            conninfo = admin.render_as_string(hide_password=False)
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                url = admin.set(database=name).render_as_string(hide_password=False)
                results.append(
                    asyncio.run(trial(url, args.prompts, kill_at, args.lease, in_flight))
                )
            finally:
                with psycopg.connect(conninfo, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{Path(folder) / 'crash.db'}"
                results.append(
                    asyncio.run(trial(url, args.prompts, kill_at, args.lease, in_flight))
                )
        print(json.dumps(results[-1]), flush=True)
    ok = all(
        r["delivered_unique"] == r["prompts"] and int(str(r["duplicates"])) <= 1 for r in results
    )
    print("PASS" if ok else "FAIL", flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
