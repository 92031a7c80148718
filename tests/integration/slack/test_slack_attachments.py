"""A file attachment (a session's .ics) is uploaded into the DM through Slack's upload flow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from bot.bootstrap import Runtime
from cycle.ics import invitation
from kernel.core import Attachment, Reply, Text
from tests.integration.slack.test_slack_files import ANNA
from tests.slack_support import FakeSlack


def ics_reply(tmp_path: Path) -> tuple[Reply, bytes]:
    data = invitation(
        uid="signaalbot-session-7@signaalbot",
        title="Datasessie",
        start=datetime(2026, 12, 14, 9, 0, tzinfo=UTC),
        duration=timedelta(minutes=90),
        location="Stadhuis",
        description="We kijken samen naar de cijfers.",
        stamp=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
    )
    path = tmp_path / "session-7.ics"
    path.write_bytes(data)
    reply = Reply(
        blocks=(
            Text(text="Uitnodiging: Datasessie", style="header"),
            Attachment(
                label="Agenda-uitnodiging (.ics)",
                name="sessie-7.ics",
                path=str(path),
                media_type="text/calendar; method=REQUEST",
            ),
        )
    )
    return reply, data


async def test_the_ics_is_uploaded_not_named(
    slack_client: TestClient[Any, Any],
    slack_runtime: Runtime,
    fake_slack: FakeSlack,
    tmp_path: Path,
) -> None:
    reply, data = ics_reply(tmp_path)
    await slack_runtime.messengers["slack"].send(ANNA, reply)
    asked = fake_slack.called("files.getUploadURLExternal")[-1]
    assert asked.params["filename"] == "sessie-7.ics"
    assert int(asked.params["length"]) == len(data)
    assert fake_slack.shared() == [("DUANNA", data)]
    blocks = str(fake_slack.called("chat.postMessage")[-1].params["blocks"])
    assert "Uitnodiging: Datasessie" in blocks
    assert str(tmp_path) not in blocks and "sessie-7.ics" not in blocks
