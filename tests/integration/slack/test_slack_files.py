"""Local images (the weekly summary chart) arrive in the DM as files, through the real upload flow
(``files.getUploadURLExternal`` → POST the bytes → ``files.completeUploadExternal``) against the
fake Slack on loopback."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp.test_utils import TestClient
from structlog.testing import capture_logs
from typer.testing import CliRunner

from bot.adapters.slack import SlackAdapter
from bot.bootstrap import Runtime
from kernel.clock import ManualClock
from kernel.core import Image, Reply, Text
from kernel.messenger import Address, RecipientUnreachableError, TemporaryFailureError
from tests.slack_support import TEAM, FakeSlack, SlackDriver
from tests.summary_support import queued_summary
from turn.context import TurnContext
from turn.pipeline import Signaalbot

ANNA = Address(
    platform="slack",
    user_id=f"{TEAM}:UANNA",
    tenant=TEAM,
    conversation_ref={"team_id": TEAM, "channel": "C0001"},
)
ALT = "Grafiek: signalen per thema, laatste 12 weken"


def png(tmp_path: Path, name: str = "chart.png") -> Path:
    """A real PNG, drawn by matplotlib as the weekly summary draws its chart."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1), dpi=50)
    fig.add_subplot().bar([0, 1, 2], [3, 1, 2])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def chart_reply(path: Path) -> Reply:
    return Reply(
        blocks=(
            Text(text="Weekoverzicht week 48", style="header"),
            Text(text="Nieuwe signalen: 3"),
            Image(alt=ALT, path=str(path)),
        )
    )


async def test_proactive_reply_uploads_the_png_into_the_dm(
    slack_client: TestClient[Any, Any],
    slack_bot: Signaalbot,
    fake_slack: FakeSlack,
    tmp_path: Path,
    slack_runtime: Runtime,
) -> None:
    chart = png(tmp_path)
    sent = await slack_runtime.messengers["slack"].send(ANNA, chart_reply(chart))

    assert sent.message_id is not None
    posted = fake_slack.called("chat.postMessage")[-1]
    assert posted.params["channel"] == "DUANNA"
    assert "Weekoverzicht week 48" in str(posted.params["blocks"])
    assert ALT not in str(posted.params["blocks"])  # the file carries the alt text, not a note
    asked = fake_slack.called("files.getUploadURLExternal")[-1]
    assert asked.params["filename"] == "chart.png"
    assert int(asked.params["length"]) == chart.stat().st_size
    assert asked.params["alt_txt"] == ALT
    assert fake_slack.shared() == [("DUANNA", chart.read_bytes())]
    completed = fake_slack.called("files.completeUploadExternal")[-1]
    assert completed.params["initial_comment"] == ALT
    assert completed.token == "xoxb-test-token"
    # Upload first, text next, the file shared last: failures come before anything is visible.
    order = [c.method for c in fake_slack.calls]
    assert order.index("files.getUploadURLExternal") < order.index("chat.postMessage")
    assert order.index("chat.postMessage") < order.index("files.completeUploadExternal")


async def test_a_reply_of_only_an_image_posts_no_empty_message(
    slack_client: TestClient[Any, Any],
    slack_bot: Signaalbot,
    fake_slack: FakeSlack,
    tmp_path: Path,
    slack_runtime: Runtime,
) -> None:
    chart = png(tmp_path)
    await slack_runtime.messengers["slack"].send(
        ANNA, Reply(blocks=(Image(alt=ALT, path=str(chart)),))
    )
    assert fake_slack.called("chat.postMessage") == []
    assert fake_slack.shared() == [("DUANNA", chart.read_bytes())]


async def test_a_missing_file_degrades_to_the_alt_text_with_a_warning(
    slack_client: TestClient[Any, Any],
    slack_bot: Signaalbot,
    fake_slack: FakeSlack,
    tmp_path: Path,
    slack_runtime: Runtime,
) -> None:
    gone = tmp_path / "weg.png"
    with capture_logs() as logs:
        sent = await slack_runtime.messengers["slack"].send(ANNA, chart_reply(gone))
    assert sent.message_id is not None
    assert fake_slack.called("files.getUploadURLExternal") == []
    assert fake_slack.uploads == {}
    blocks = str(fake_slack.called("chat.postMessage")[-1].params["blocks"])
    assert ALT in blocks and "De afbeelding kon niet mee" in blocks
    warning = next(e for e in logs if e["event"] == "image_unavailable")
    assert warning["log_level"] == "warning" and warning["count"] == 1
    assert str(gone) not in str(logs)  # ids only in logs


async def test_upload_errors_map_like_the_other_sends(
    slack_client: TestClient[Any, Any],
    slack_bot: Signaalbot,
    fake_slack: FakeSlack,
    tmp_path: Path,
    slack_runtime: Runtime,
) -> None:
    messenger = slack_runtime.messengers["slack"]
    chart = png(tmp_path)
    reply = chart_reply(chart)

    fake_slack.fail_next(
        "files.getUploadURLExternal", status=429, error="ratelimited", **{"Retry-After": "9"}
    )
    with pytest.raises(TemporaryFailureError) as caught:
        await messenger.send(ANNA, reply)
    assert caught.value.retry_after == 9.0
    assert fake_slack.called("chat.postMessage") == []  # nothing visible yet: a clean retry

    fake_slack.fail_next_upload(status=429, **{"Retry-After": "4"})
    with pytest.raises(TemporaryFailureError) as caught:
        await messenger.send(ANNA, reply)
    assert caught.value.retry_after == 4.0

    fake_slack.fail_next_upload(status=503)
    with pytest.raises(TemporaryFailureError):
        await messenger.send(ANNA, reply)
    assert fake_slack.called("chat.postMessage") == []

    fake_slack.fail_next("files.completeUploadExternal", error="channel_not_found")
    with pytest.raises(RecipientUnreachableError):
        await messenger.send(ANNA, reply)

    fake_slack.fail_next("files.getUploadURLExternal", error="missing_scope")
    with pytest.raises(RecipientUnreachableError):
        await messenger.send(ANNA, reply)

    sent = await messenger.send(ANNA, reply)  # and once Slack is fine again, it arrives
    assert sent.message_id
    assert fake_slack.shared() == [("DUANNA", chart.read_bytes())]


async def test_update_in_place_does_not_upload_again(
    slack_client: TestClient[Any, Any],
    slack_bot: Signaalbot,
    fake_slack: FakeSlack,
    tmp_path: Path,
    slack_runtime: Runtime,
) -> None:
    messenger = slack_runtime.messengers["slack"]
    reply = chart_reply(png(tmp_path))
    sent = await messenger.send(ANNA, reply)
    await messenger.send(ANNA, reply, update_id=sent.message_id)
    assert len(fake_slack.called("chat.update")) == 1
    assert len(fake_slack.shared()) == 1


async def test_direct_replies_upload_into_the_dm(
    slack_client: TestClient[Any, Any],
    slack_bot: Signaalbot,
    fake_slack: FakeSlack,
    adapter: SlackAdapter,
    tmp_path: Path,
) -> None:
    chart = png(tmp_path)

    async def grafiek(ctx: TurnContext) -> None:
        await ctx.reply(chart_reply(chart))

    slack_bot.router.command("grafiek", words=["grafiek"])(grafiek)
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")

    # A DM: the text and the file go into that DM.
    status, _ = await anna.dm("grafiek")
    assert status == 200
    await adapter.drain()
    assert fake_slack.called("chat.postMessage")[-1].params["channel"] == "DUANNA"
    assert fake_slack.shared() == [("DUANNA", chart.read_bytes())]

    # A slash command in a channel: the text by response_url, the file into the person's DM.
    status, _ = await anna.slash("/signaalbot", "grafiek")
    assert status == 200
    await adapter.drain()
    assert "Weekoverzicht week 48" in str(fake_slack.responses[-1]["blocks"])
    assert fake_slack.shared()[-1] == ("DUANNA", chart.read_bytes())

    # The file host failing does not break the turn: the text is there, a warning is logged.
    fake_slack.fail_next_upload(status=500)
    with capture_logs() as logs:
        await anna.dm("grafiek")
        await adapter.drain()
    assert len(fake_slack.shared()) == 2
    assert any(e["event"] == "file_upload_failed" for e in logs)
    assert not any(e["event"] == "slack_work_failed" for e in logs)


def test_manifest_asks_for_files_write() -> None:
    from bot.cli import app

    result = CliRunner().invoke(app, ["manifest", "slack"])
    assert result.exit_code == 0, result.output
    scopes = yaml.safe_load(result.output)["oauth_config"]["scopes"]["bot"]
    assert "files:write" in scopes and "chat:write" in scopes


async def test_the_weekly_summary_arrives_with_its_chart_as_a_file(
    slack_client: TestClient[Any, Any],
    slack_bot: Signaalbot,
    fake_slack: FakeSlack,
    clock: ManualClock,
    tmp_path: Path,
    slack_runtime: Runtime,
) -> None:
    async with slack_bot.services.uow() as uow:
        lotte = await uow.people.create(
            platform="slack", user_id=f"{TEAM}:ULOTTE", tenant=TEAM, now=clock.now()
        )
        await uow.commit()
    reply, chart = await queued_summary(slack_bot, clock, lotte.id, tmp_path)
    identity = lotte.identity("slack")
    assert identity is not None

    sent = await slack_runtime.messengers["slack"].send(identity, reply)
    assert sent.message_id is not None
    posted = fake_slack.called("chat.postMessage")[-1]
    assert posted.params["channel"] == "DULOTTE"
    assert "Weekoverzicht week 48" in str(posted.params["blocks"])
    assert fake_slack.shared() == [("DULOTTE", chart.read_bytes())]
    asked = fake_slack.called("files.getUploadURLExternal")[-1]
    assert asked.params["filename"].endswith(".png") and "12" in asked.params["alt_txt"]
