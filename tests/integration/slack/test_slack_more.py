"""Manifest, App Home, slow submissions, drafts, OAuth installations in our database."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer
from cryptography.fernet import Fernet
from typer.testing import CliRunner

from bot.adapters import slack_views
from bot.adapters.slack import SlackAdapter
from bot.bootstrap import bootstrap
from bot.web import build_web_app
from kernel.clock import ManualClock
from kernel.core import Form, Input
from storage.db import upgrade
from storage.slack_store import SqlInstallationStore, SqlOAuthStateStore
from storage.token_cipher import TokenCipher
from tests.conftest import make_settings
from tests.helpers import bootstrap_bot
from tests.slack_support import SIGNING_SECRET, FakeSlack, SlackDriver, submission
from turn.context import TurnContext
from turn.pipeline import Signaalbot


def test_manifest_lists_commands_shortcuts_events_and_urls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.cli import app

    monkeypatch.setenv("SIGNAALBOT_BASE_URL", "https://bot.gemeente.nl")
    result = CliRunner().invoke(app, ["manifest", "slack"])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.output)
    commands = {c["command"]: c for c in data["features"]["slash_commands"]}
    assert set(commands) == {"/signaal", "/vraag", "/signaalbot"}
    assert commands["/signaal"]["url"] == "https://bot.gemeente.nl/slack/events"
    callbacks = {s["callback_id"] for s in data["features"]["shortcuts"]}
    assert callbacks == {"signaal_melden", "signaal_uit_bericht"}
    assert "message.im" in data["settings"]["event_subscriptions"]["bot_events"]
    assert data["settings"]["interactivity"]["request_url"].endswith("/slack/events")
    assert data["settings"]["socket_mode_enabled"] is False
    socket = yaml.safe_load(CliRunner().invoke(app, ["manifest", "slack", "--socket"]).output)
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in socket["settings"]["interactivity"]


async def test_app_home_shows_my_signals(
    slack_client: TestClient[Any, Any], fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    status, _ = await anna.event(
        {"type": "app_home_opened", "user": "UANNA", "tab": "home", "channel": "DUANNA"},
        event_id="Ev-home",
    )
    assert status == 200
    await adapter.drain()
    published = fake_slack.called("views.publish")
    assert len(published) == 1
    assert published[0].params["user_id"] == "UANNA"
    view = published[0].params["view"]
    assert view["type"] == "home"
    text = json.dumps(view, ensure_ascii=False)
    assert "Meld een signaal" in text and "signalen" in text.lower()
    # The same event again (a retry) does not publish twice.
    await anna.event(
        {"type": "app_home_opened", "user": "UANNA", "tab": "home", "channel": "DUANNA"},
        event_id="Ev-home",
    )
    await adapter.drain()
    assert len(fake_slack.called("views.publish")) == 1


async def test_slow_submission_acks_at_once_then_updates_the_modal(
    slack_client: TestClient[Any, Any],
    slack_bot: Signaalbot,
    fake_slack: FakeSlack,
    adapter: SlackAdapter,
) -> None:
    import asyncio

    release = asyncio.Event()
    slow_form = Form(
        form_id="test.slow", title="Traag", submit_label="OK", inputs=(Input(name="a", label="A"),)
    )

    async def slow(ctx: TurnContext) -> None:
        await release.wait()
        await ctx.say("signals.saved", ref="S-2026-0042")

    slack_bot.router.submit("test.slow")(slow)
    adapter.submissions.ack_budget = 0.01
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    view = slack_views.modal(slow_form, slack_bot.services.translator("nl"), {})
    status, body = await anna.interact(submission(view, {"a": "x"}, user="UANNA", view_id="V9"))
    release.set()  # the ack is back; now let the handler finish
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "update"
    assert "ermee bezig" in json.dumps(answer["view"])
    await adapter.drain()
    update = fake_slack.called("views.update")[-1].params
    assert update["view_id"] == "V9"
    assert "S-2026-0042" in json.dumps(update["view"])


async def test_slow_refused_submission_never_shows_personal_data_again(
    slack_client: TestClient[Any, Any],
    slack_bot: Signaalbot,
    fake_slack: FakeSlack,
    adapter: SlackAdapter,
) -> None:
    import asyncio

    from kernel.core import Reply

    release = asyncio.Event()
    slow_form = Form(
        form_id="test.slow2", title="Traag", submit_label="OK", inputs=(Input(name="a", label="A"),)
    )

    async def slow_refusal(ctx: TurnContext) -> None:
        await release.wait()
        await ctx.reply(Reply(errors={"a": "Er staat een BSN in"}))

    slack_bot.router.submit("test.slow2")(slow_refusal)
    adapter.submissions.ack_budget = 0.01
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    view = slack_views.modal(slow_form, slack_bot.services.translator("nl"), {})
    typed = "Gezin met BSN 111222333 wacht al maanden"
    status, _ = await anna.interact(submission(view, {"a": typed}, user="UANNA", view_id="V8"))
    release.set()
    assert status == 200
    await adapter.drain()
    shown = json.dumps(fake_slack.called("views.update")[-1].params["view"])
    assert "Er staat een BSN in" in shown
    assert "111222333" not in shown
    assert "wacht al maanden" in shown  # the rest of what was typed is kept


async def test_closing_a_modal_keeps_a_draft_for_next_time(
    slack_client: TestClient[Any, Any], fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    await anna.slash("/signaal")
    await adapter.drain()
    view = fake_slack.modal()
    closed = submission(view, {"text": "half af"}, user="UANNA")
    closed["type"] = "view_closed"
    await anna.interact(closed)
    await adapter.drain()
    await anna.slash("/signaal")
    await adapter.drain()
    again = fake_slack.modal()
    assert again["blocks"][0]["element"]["initial_value"] == "half af"


async def test_installations_live_in_our_database(db_url: str, clock: ManualClock) -> None:
    from slack_sdk.oauth.installation_store import Installation

    upgrade(db_url)
    bot = await bootstrap_bot(make_settings(db_url), clock=clock)
    try:
        store = SqlInstallationStore(
            bot.services.uow, clock.now, TokenCipher([Fernet.generate_key()]), "cid"
        )
        assert await store.async_find_bot(enterprise_id=None, team_id="T9") is None
        await store.async_save(
            Installation(
                user_id="UADMIN",
                team_id="T9",
                bot_token="xoxb-9",
                bot_id="B9",
                bot_user_id="UB9",
                bot_scopes=["chat:write"],
                installed_at=1.0,
            )
        )
        found = await store.async_find_bot(enterprise_id=None, team_id="T9")
        assert found is not None and found.bot_token == "xoxb-9"
        installation = await store.async_find_installation(enterprise_id=None, team_id="T9")
        assert installation is not None and installation.user_id == "UADMIN"
        await store.async_delete_bot(enterprise_id=None, team_id="T9")
        assert await store.async_find_bot(enterprise_id=None, team_id="T9") is None
        await store.async_delete_installation(enterprise_id=None, team_id="T9")
        assert await store.async_find_installation(enterprise_id=None, team_id="T9") is None

        states = SqlOAuthStateStore(bot.services.uow, clock.now)
        state = await states.async_issue()
        assert await states.async_consume(state) is True
        assert await states.async_consume(state) is False
        late = await states.async_issue()
        clock.advance(timedelta(minutes=11))
        assert await states.async_consume(late) is False
    finally:
        await bot.services.db.dispose()


async def test_oauth_install_and_multi_workspace_tokens(
    sqlite_url: str, clock: ManualClock, fake_slack: FakeSlack
) -> None:
    upgrade(sqlite_url)
    runtime = await bootstrap(
        make_settings(
            sqlite_url,
            slack_client_id="111.222",
            slack_client_secret="shh",
            slack_token_keys=Fernet.generate_key().decode(),
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=fake_slack.api_url,
            base_url="https://bot.gemeente.nl",
        ),
        clock,
    )
    bot = runtime.bot
    web_app = build_web_app(runtime)
    adapter = runtime.slack
    assert adapter is not None
    try:
        async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
            install = await client.get("/slack/install", allow_redirects=False)
            assert install.status == 200
            page = await install.text()
            assert "slack.com/oauth/v2/authorize" in page and "client_id=111.222" in page
            state = page.split("state=")[1].split("&")[0].split('"')[0]
            # bolt ties the state to a Secure cookie; the browser would send it back over https.
            cookie = install.headers["Set-Cookie"].split(";")[0]
            callback = await client.get(
                f"/slack/oauth_redirect?code=abc&state={state}",
                allow_redirects=False,
                headers={"Cookie": cookie},
            )
            assert callback.status == 200, await callback.text()
            assert await adapter.token_for("T0002") == "xoxb-installed-T0002"
            assert await adapter.token_for("T0404") is None

            # A slash command from the new workspace is answered with that workspace's token.
            piet = SlackDriver(client, fake_slack, user="UPIET", team="T0002")
            assert (await piet.slash("/signaal"))[0] == 200
            await adapter.drain()
            assert fake_slack.called("views.open")[-1].token == "xoxb-installed-T0002"
            # An unknown workspace gets no answer from the bot.
            stranger = SlackDriver(client, fake_slack, user="UX", team="T0404")
            await stranger.slash("/signaal")
            await adapter.drain()
            assert len(fake_slack.called("views.open")) == 1
    finally:
        await bot.services.db.dispose()
