from __future__ import annotations

import io

from bot.adapters.console_messenger import ConsoleMessenger
from kernel.core import Image, Reply, Text
from kernel.messenger import Address


async def test_a_chart_in_a_proactive_message_names_the_saved_file() -> None:
    out = io.StringIO()
    reply = Reply(
        blocks=(Text(text="Week 48"), Image(alt="Signalen per thema", path="/tmp/w48.png"))
    )
    sent = await ConsoleMessenger(out).send(Address(platform="console", user_id="lotte"), reply)
    assert sent.message_id
    text = out.getvalue()
    assert "@lotte" in text and "Week 48" in text
    assert "[Signalen per thema] /tmp/w48.png" in text
