"""Slack bot tokens are stored encrypted (Fernet), readable with any configured key, re-encrypted
by rotation, refused without a key, and never printed by the CLI."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import select
from typer.testing import CliRunner

from bot.bootstrap import bootstrap
from bot.cli import app as cli
from kernel.clock import ManualClock
from storage.db import upgrade
from storage.models import SlackInstallationRow
from storage.slack_store import SqlInstallationStore
from storage.token_cipher import TokenCipher, UndecryptableTokenError
from tests.conftest import make_settings

TOKEN = "xoxb-secret-T9-0123456789"
REFRESH = "xoxe-refresh-T9-987654"


def _installation() -> Installation:
    return Installation(
        user_id="UADMIN",
        team_id="T9",
        bot_token=TOKEN,
        bot_refresh_token=REFRESH,
        user_token="xoxp-user-T9",
        bot_id="B9",
        bot_user_id="UB9",
        installed_at=1.0,
    )


async def test_tokens_are_encrypted_at_rest_and_rotate(db_url: str, clock: ManualClock) -> None:
    upgrade(db_url)
    old, new = Fernet.generate_key(), Fernet.generate_key()
    bot = await bootstrap(make_settings(db_url), clock)
    try:
        store = SqlInstallationStore(bot.services.uow, clock.now, TokenCipher([old]), "cid")
        await store.async_save(_installation())
        async with bot.services.db.session() as session:
            row = await session.scalar(select(SlackInstallationRow))
            assert row is not None
            column, stored = row.bot_token or "", f"{row.bot_token} {row.data}"
        for secret in (TOKEN, REFRESH, "xoxp-user-T9"):
            assert secret not in stored
        assert column.startswith("fernet:")
        found = await store.async_find_bot(enterprise_id=None, team_id="T9")
        assert found is not None and found.bot_token == TOKEN
        assert found.bot_refresh_token == REFRESH

        # Rotation: the new key in front, the old one still readable, then re-encrypted.
        rotating = SqlInstallationStore(bot.services.uow, clock.now, TokenCipher([new, old]))
        assert await rotating.rotate() == 1
        only_new = SqlInstallationStore(bot.services.uow, clock.now, TokenCipher([new]))
        again = await only_new.async_find_installation(enterprise_id=None, team_id="T9")
        assert again is not None and again.bot_token == TOKEN and again.user_token == "xoxp-user-T9"
        only_old = SqlInstallationStore(bot.services.uow, clock.now, TokenCipher([old]))
        with pytest.raises(UndecryptableTokenError):
            await only_old.async_find_bot(enterprise_id=None, team_id="T9")
    finally:
        await bot.close()


async def test_oauth_without_a_key_does_not_start(sqlite_url: str, clock: ManualClock) -> None:
    settings = make_settings(
        sqlite_url, slack_client_id="111.222", slack_client_secret="shh", slack_signing_secret="s"
    )
    with pytest.raises(ValueError, match="SIGNAALBOT_SLACK_TOKEN_KEYS"):
        await bootstrap(settings, clock)


def test_a_bad_key_is_a_clear_settings_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNAALBOT_SLACK_TOKEN_KEYS", "not-a-key")
    result = CliRunner().invoke(cli, ["slack", "new-key"])
    assert result.exit_code == 0  # new-key needs no settings
    result = CliRunner().invoke(cli, ["slack", "rotate-tokens"])
    assert result.exit_code == 2
    assert "SIGNAALBOT_SLACK_TOKEN_KEYS" in result.output and "Fernet" in result.output
    assert "not-a-key" not in result.output


def test_cli_rotates_without_printing_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()

    async def save() -> None:
        bot = await bootstrap(make_settings(url))
        store = SqlInstallationStore(
            bot.services.uow, bot.services.clock.now, TokenCipher([old.encode()])
        )
        await store.async_save(_installation())
        await bot.close()

    asyncio.run(save())
    monkeypatch.setenv("SIGNAALBOT_SLACK_TOKEN_KEYS", f"{new},{old}")
    result = CliRunner().invoke(cli, ["slack", "rotate-tokens", "--db", url])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(": 1")
    assert TOKEN not in result.output and old not in result.output and new not in result.output
    with sqlite3.connect(tmp_path / "bot.db") as conn:
        (column,) = conn.execute("SELECT bot_token FROM slack_installation").fetchone()
    assert TokenCipher([new.encode()]).decrypt(column) == TOKEN
    key = CliRunner().invoke(cli, ["slack", "new-key"]).output.strip()
    Fernet(key.encode())  # a usable key
