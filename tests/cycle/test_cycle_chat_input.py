"""Bad input on the chat side of the cycle: kind answers, nothing changed."""

from __future__ import annotations

from kernel.core import Action, Submit
from tests.cycle.helpers import add_person
from tests.helpers import act, person, say, texts
from turn.pipeline import Signaalbot


async def test_unknown_refs_and_garbage_values(sqlite_bot: Signaalbot) -> None:
    await add_person(sqlite_bot, "lea", "programme_leader")
    lea = person("lea")
    assert "kan ik niet vinden" in texts(await say(sqlite_bot, lea, "cyclus 99999999"))
    for value in ("", "abc", "9" * 40, "<!channel>", "🙂:2026-13-45", "1" * 10_000):
        for action in ("cycle.done", "cycle.postpone", "cycle.esc.extend", "cycle.next"):
            replies = await act(sqlite_bot, lea, Action(action_id=action, value=value))
            assert "kan ik niet vinden" in texts(replies), (action, value[:20])
    assert "geen leercycli" in texts(await say(sqlite_bot, lea, "cycli"))


async def test_start_form_refuses_bad_values_and_keeps_them(sqlite_bot: Signaalbot) -> None:
    await add_person(sqlite_bot, "lea", "programme_leader")
    lea = person("lea")
    [reply] = await say(sqlite_bot, lea, "cyclus start <!channel> 🙂")
    form = reply.form
    assert form is not None and form.inputs[0].initial == "<!channel> 🙂"
    values = {
        "title": "x" * 10_000,
        "owner_1": "🙂 niemand",
        "owner_2": "",
        "owner_3": "",
        "owner_4": "",
    }
    [refused] = await act(sqlite_bot, lea, Submit(form_id=form.form_id, values=values))
    assert set(refused.errors) == {"title", "owner_1"}
    assert "Ik ken niemand" in refused.errors["owner_1"]
    async with sqlite_bot.services.uow() as uow:
        assert await uow.cycles.count() == 0
    values["title"], values["owner_1"] = "Schulden <!channel> 🙂", ""
    [ok] = await act(sqlite_bot, lea, Submit(form_id=form.form_id, values=values))
    assert "is gestart" in ok.plain_text


async def test_professional_may_not_start_a_cycle(sqlite_bot: Signaalbot) -> None:
    replies = await say(sqlite_bot, person("piet"), "cyclus start iets")
    assert "niet doen met jouw rol" in texts(replies)
