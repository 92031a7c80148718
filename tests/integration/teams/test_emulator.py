"""SIGNAALBOT_TEAMS_EMULATOR: /api/messages without an app id, for this machine only.

The serve command is started for real (a subprocess on a free port); requests are posted over
HTTP. A request that is not plainly from this machine is refused before anything is handled.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from kernel.settings import SettingsError, load_settings
from storage.db import upgrade
from tests.integration.teams.driver import TeamsChat, texts

ROOT = Path(__file__).resolve().parents[3]


def test_emulator_mode_binds_loopback_and_turns_teams_on() -> None:
    settings = load_settings(teams_emulator=True)
    assert settings.host == "127.0.0.1" and settings.teams_enabled
    assert load_settings(teams_emulator=True, host="::1").host == "::1"
    with pytest.raises(SettingsError, match=re.escape("binds 127.0.0.1 only, not 0.0.0.0")):
        load_settings(teams_emulator=True, host="0.0.0.0")
    with pytest.raises(SettingsError, match="unset SIGNAALBOT_TEAMS_APP_ID"):
        load_settings(teams_emulator=True, teams_app_id="11111111-2222-3333-4444-555555555555")
    assert not load_settings().teams_enabled


async def test_requests_that_could_come_from_elsewhere_are_refused(
    teams: TeamsChat,
) -> None:
    for headers, status in (
        ({"X-Forwarded-For": "203.0.113.9"}, 403),
        ({"Forwarded": "for=203.0.113.9"}, 403),
        ({"X-Real-IP": "203.0.113.9"}, 403),
        ({"Host": "evil.example:3978"}, 403),  # DNS rebinding: the page's own name
    ):
        teams.headers.clear()
        teams.headers.update(headers)
        assert await teams.say("help") == [], headers
        assert teams.last_status == status, headers
    teams.headers.clear()
    simple = await teams.client.post(
        "/api/messages",
        data='{"type": "message"}',
        headers={"Content-Type": "text/plain"},  # what a web page may send without asking
    )
    assert simple.status == 415
    assert "signaalbot" in texts(await teams.say("help")).lower()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _other_address() -> str | None:
    """An address of this machine that is not loopback, when it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET: nothing is sent for UDP connect
            address: str = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    upgrade(url)
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SIGNAALBOT_DATABASE_URL": url,
        "SIGNAALBOT_TEAMS_EMULATOR": "true",
        "SIGNAALBOT_PORT": str(port),
        "SIGNAALBOT_LOG_FORMAT": "json",
    }
    env.pop("SIGNAALBOT_HOST", None)
    env.pop("SIGNAALBOT_TEAMS_APP_ID", None)
    process = subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main()", "serve"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        if process.poll() is not None:
            break
        time.sleep(0.2)
    try:
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


async def test_serve_in_emulator_mode_answers_on_loopback_only_and_warns(
    served: tuple[int, subprocess.Popen[str]],
) -> None:
    port, process = served
    assert process.poll() is None, process.stdout.read() if process.stdout else ""
    async with aiohttp.ClientSession() as session:
        async with session.post(f"http://127.0.0.1:{port}/api/messages", json={}) as response:
            assert response.status == 400  # mounted: an empty activity is refused as such
        async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
            assert response.status == 200
    other = _other_address()
    if other is not None:
        with socket.socket() as s:
            s.settimeout(2)
            assert s.connect_ex((other, port)) != 0, f"reachable on {other}"
    process.terminate()
    output, _ = process.communicate(timeout=10)
    assert "TEAMS WITHOUT AUTHENTICATION" in output
    assert '"host": "127.0.0.1"' in output or "host=127.0.0.1" in output
    # The start-up heap is out of the garbage collector's way before the first request
    # (bot/heap.py): the "serving" line says how many objects were frozen.
    serving = [json.loads(line) for line in output.splitlines() if '"serving"' in line]
    assert serving and serving[0]["frozen_objects"] > 50_000, serving
