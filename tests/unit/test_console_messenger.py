"""The console as a platform: what the dispatcher sends waits in the database for the chat."""

from __future__ import annotations

import asyncio
import io

from sqlalchemy import event

from bot.adapters.console import ConsoleAdapter
from bot.adapters.console_messenger import ConsoleInbox
from bot.bootstrap import Runtime
from kernel.core import Button, Buttons, Identity, Image, Platform, Reply, Text
from kernel.messenger import Address


async def test_a_message_waits_for_the_chat_and_is_shown_once_oldest_first(
    sqlite_runtime: Runtime,
) -> None:
    messenger = sqlite_runtime.messengers["console"]
    lotte = Address(platform="console", user_id="lotte")
    chart = Reply(
        blocks=(Text(text="Week 48"), Image(alt="Signalen per thema", path="/tmp/w48.png"))
    )
    first = await messenger.send(lotte, chart)
    await messenger.send(lotte, Reply(blocks=(Text(text="Tweede bericht"),)))
    await messenger.send(
        Address(platform="console", user_id="ruud"), Reply(blocks=(Text(text="Niet voor jou"),))
    )
    assert first.message_id

    out = io.StringIO()
    identity = Identity(platform=Platform.CONSOLE, user_id="lotte", display_name="lotte")
    adapter = ConsoleAdapter(
        sqlite_runtime.bot,
        identity,
        io.StringIO(""),
        out,
        inbox=ConsoleInbox(sqlite_runtime.services, "lotte"),
    )
    assert await adapter.show_inbox() == 2
    text = out.getvalue()
    assert text.index("Week 48") < text.index("Tweede bericht")
    assert "/tmp/w48.png" in text and "Signalen per thema" in text
    assert "Niet voor jou" not in text
    assert await adapter.show_inbox() == 0, "a message is shown once"


async def test_buttons_of_a_delivered_prompt_work_by_number_and_by_label(
    sqlite_runtime: Runtime,
) -> None:
    await sqlite_runtime.messengers["console"].send(
        Address(platform="console", user_id="ans"),
        Reply(
            blocks=(
                Text(text="Fase 1 begint"),
                Buttons(
                    buttons=(
                        Button(label="Klaar", action_id="help"),
                        Button(label="Later", action_id="help"),
                    )
                ),
            )
        ),
    )
    out = io.StringIO()
    identity = Identity(platform=Platform.CONSOLE, user_id="ans", display_name="ans")
    adapter = ConsoleAdapter(
        sqlite_runtime.bot,
        identity,
        io.StringIO("klaar\n"),
        out,
        inbox=ConsoleInbox(sqlite_runtime.services, "ans"),
    )
    await adapter.run()
    text = out.getvalue()
    assert "[1] Klaar" in text and "[2] Later" in text
    # "klaar" picked the button (its action answered) and did not quit the chat before it.
    assert text.count("Tot ziens") == 1 and text.rindex("Tot ziens") > text.index("[2] Later")


async def test_under_serve_a_console_person_is_queued_not_unreachable(
    sqlite_runtime: Runtime,
) -> None:
    services = sqlite_runtime.services
    now = services.clock.now()
    async with services.uow() as uow:
        person = await uow.people.create(platform="console", user_id="karin", now=now)
        await uow.outbox.enqueue(
            key="notice:1",
            person_id=person.id,
            payload=Reply(blocks=(Text(text="Je signaal is opgepakt"),)).model_dump(mode="json"),
            now=now,
            office_hours_only=False,
        )
        await uow.commit()
    result = await sqlite_runtime.scheduler.dispatch_only()
    assert result is not None and result.sent == 1 and result.unreachable == 0
    async with services.uow() as uow:
        [message] = await uow.outbox.find()
        waiting = await uow.console.unshown("karin")
    assert message.status == "sent" and message.platform == "console"
    assert [Reply.model_validate(m.payload).plain_text for m in waiting] == [
        "Je signaal is opgepakt"
    ]


class StuckTerminal:
    """A terminal whose person types nothing: ``read`` waits until the chat is cancelled."""

    def __init__(self) -> None:
        self.asked = asyncio.Event()

    async def read(self, prompt: str) -> str | None:
        self.asked.set()
        await asyncio.Event().wait()
        return None

    def redraw(self, prompt: str) -> None: ...

    def restore(self) -> None: ...


async def test_ctrl_c_says_goodbye_without_asking_the_database(sqlite_runtime: Runtime) -> None:
    """Ctrl-C closes the chat at once: also when the database is away or locked, the goodbye
    (in the person's language, as last known) needs no read of it."""
    out, terminal = io.StringIO(), StuckTerminal()
    identity = Identity(platform=Platform.CONSOLE, user_id="ans", display_name="ans")
    adapter = ConsoleAdapter(
        sqlite_runtime.bot,
        identity,
        io.StringIO(""),
        out,
        terminal=terminal,  # type: ignore[arg-type]
    )
    chat = asyncio.create_task(adapter.run())
    await asyncio.wait_for(terminal.asked.wait(), timeout=5)
    statements: list[str] = []
    engine = sqlite_runtime.services.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    chat.cancel()  # what asyncio does with the main task on Ctrl-C
    await asyncio.wait_for(chat, timeout=5)
    assert "Tot ziens!" in out.getvalue()
    assert statements == []
