""" "Ik zie dit ook" that keeps what was typed, and withdrawal with its own status and words.

The real matching index finds the earlier signal; nothing is faked.
"""

from __future__ import annotations

import bot.cli  # noqa: F401  (cli_export registers itself through bot.cli)
from bot.cli_export import collect
from kernel.core import Action, Buttons, Reply, Submit
from tests.helpers import person, say, texts
from tests.unit.handlers.util import report_signal
from turn.pipeline import Signaalbot

TEXT = "Steeds meer ouderen wachten lang op een traplift via de Wmo."
AGAIN = "Ouderen wachten erg lang op een traplift via de Wmo, ook in Strijp."


def buttons(replies: list[Reply]) -> dict[str, str]:
    return {
        b.action_id: b.value
        for r in replies
        for blk in r.blocks
        if isinstance(blk, Buttons)
        for b in blk.buttons
    }


async def signal_texts(bot: Signaalbot) -> dict[str, str]:
    async with bot.services.uow() as uow:
        return {s.ref: s.text for s in await uow.intake.all_signals()}


async def outbox_for(bot: Signaalbot, name: str) -> str:
    async with bot.services.uow() as uow:
        who = await uow.people.find_by_identity("console", name)
        assert who is not None
        found = [m for m in await uow.outbox.find(limit=1000) if m.person_id == who.id]
    return "\n".join(Reply.model_validate(m.payload).plain_text for m in found)


async def test_me_too_on_your_own_signal_keeps_the_text_and_adds_it(
    sqlite_bot: Signaalbot,
) -> None:
    anna = person("anna")
    t = sqlite_bot.services.translator("nl")
    await report_signal(sqlite_bot, anna, TEXT)
    offered = await report_signal(sqlite_bot, anna, AGAIN)
    assert buttons(offered)["signal.match.support"] == "S-2026-0001"
    kept = await sqlite_bot.handle(
        anna, Action(action_id="signal.match.support", value="S-2026-0001")
    )
    assert texts(kept).startswith(t("intake.support_kept.own", ref="S-2026-0001"))
    assert set(buttons(kept)) == {"signal.match.add_to_own", "signal.match.new"}
    added = await sqlite_bot.handle(
        anna, Action(action_id="signal.match.add_to_own", value="S-2026-0001")
    )
    assert texts(added) == t("intake.support_kept.added", ref="S-2026-0001")
    stored = await signal_texts(sqlite_bot)
    assert list(stored) == ["S-2026-0001"]
    assert stored["S-2026-0001"].startswith(TEXT + "\n\nAanvulling van ")
    assert stored["S-2026-0001"].endswith(AGAIN)
    # The typed text was used once: nothing waits any more.
    assert texts(await sqlite_bot.handle(anna, Action(action_id="signal.match.new"))) == t(
        "signals.nothing_pending"
    )


async def test_own_signal_text_can_still_become_a_new_signal(sqlite_bot: Signaalbot) -> None:
    anna = person("anna", locale="en")
    await report_signal(sqlite_bot, anna, TEXT)
    await report_signal(sqlite_bot, anna, AGAIN)
    kept = texts(
        await sqlite_bot.handle(anna, Action(action_id="signal.match.support", value="S-2026-0001"))
    )
    assert "Your text is kept" in kept
    await sqlite_bot.handle(anna, Action(action_id="signal.match.new"))
    assert (await signal_texts(sqlite_bot))["S-2026-0002"] == AGAIN


async def test_recognising_twice_is_said_before_any_form(sqlite_bot: Signaalbot) -> None:
    await report_signal(sqlite_bot, person("anna"), TEXT)
    bo = person("bo")
    t = sqlite_bot.services.translator("nl")
    first = await say(sqlite_bot, bo, "herken S-2026-0001")
    assert first[0].form is not None
    await sqlite_bot.handle(
        bo, Submit(form_id="signal.support", values={"context": ""}, context="S-2026-0001")
    )
    again = await say(sqlite_bot, bo, "herken S-2026-0001")
    assert all(r.form is None for r in again)
    assert texts(again) == t("intake.support_already", ref="S-2026-0001")
    # Via a suggestion: the text typed is kept, and can still become a signal of its own.
    await report_signal(sqlite_bot, bo, AGAIN)
    kept = await sqlite_bot.handle(
        bo, Action(action_id="signal.match.support", value="S-2026-0001")
    )
    assert texts(kept).startswith(t("intake.support_kept.already", ref="S-2026-0001"))
    assert set(buttons(kept)) == {"signal.match.new"}
    await sqlite_bot.handle(bo, Action(action_id="signal.match.new"))
    assert (await signal_texts(sqlite_bot))["S-2026-0002"] == AGAIN


async def test_withdrawal_asks_first_and_has_its_own_status_and_words(
    sqlite_bot: Signaalbot,
) -> None:
    anna, bo, emma = person("anna"), person("bo"), person("emma", locale="en")
    t = sqlite_bot.services.translator("nl")
    await report_signal(sqlite_bot, anna, TEXT)
    for who in (bo, emma):
        await sqlite_bot.handle(
            who, Submit(form_id="signal.support", values={"context": ""}, context="S-2026-0001")
        )
    await say(sqlite_bot, emma, "taal en")  # her own choice, kept with her
    asked = await say(sqlite_bot, anna, "intrekken S-2026-0001")
    assert texts(asked).startswith(t("intake.withdraw.confirm_title", ref="S-2026-0001"))
    assert buttons(asked) == {
        "signal.withdraw.yes": "S-2026-0001",
        "signal.withdraw.no": "S-2026-0001",
    }
    no = await sqlite_bot.handle(anna, Action(action_id="signal.withdraw.no", value="S-2026-0001"))
    assert texts(no) == t("intake.withdraw.kept", ref="S-2026-0001")
    assert "nieuw" in texts(await say(sqlite_bot, anna, "status S-2026-0001"))

    stranger = await sqlite_bot.handle(
        bo, Action(action_id="signal.withdraw.yes", value="S-2026-0001")
    )
    assert texts(stranger) == t("intake.not_yours_supported", ref="S-2026-0001")  # bo supports it

    done = await sqlite_bot.handle(
        anna, Action(action_id="signal.withdraw.yes", value="S-2026-0001")
    )
    assert texts(done) == t("intake.withdraw.done", ref="S-2026-0001", count=2)
    async with sqlite_bot.services.uow() as uow:
        signal = await uow.signals.get_by_ref("S-2026-0001")
        indexed = await uow.signals.active_for_index()
    assert signal is not None and signal.status == "ingetrokken"
    assert indexed == []
    assert "ingetrokken door de melder" in texts(await say(sqlite_bot, bo, "status S-2026-0001"))
    assert "De melder heeft signaal S-2026-0001 ingetrokken" in await outbox_for(sqlite_bot, "bo")
    english = await outbox_for(sqlite_bot, "emma")
    assert "The reporter withdrew signal S-2026-0001" in english
    assert "not taken up" not in english and "niet opgepakt" not in english
    assert texts(await say(sqlite_bot, anna, "intrekken S-2026-0001")) == t(
        "intake.withdraw.already", ref="S-2026-0001"
    )
    cas = texts(await say(sqlite_bot, person("cas"), "herken S-2026-0001"))
    assert cas == t("intake.withdraw.support_closed", ref="S-2026-0001")
    columns, rows = await collect(sqlite_bot, "signals")
    assert rows[0][columns.index("status")] == "ingetrokken"


async def test_a_supporter_who_tries_to_withdraw_is_not_told_to_recognise_it(
    sqlite_bot: Signaalbot,
) -> None:
    await report_signal(sqlite_bot, person("anna"), TEXT)
    t = sqlite_bot.services.translator("nl")
    cem = person("cem")
    assert texts(await say(sqlite_bot, cem, "intrekken S-2026-0001")) == t(
        "intake.not_yours", ref="S-2026-0001"
    )  # not a supporter yet: recognising is the tip
    await sqlite_bot.handle(
        cem, Submit(form_id="signal.support", values={"context": ""}, context="S-2026-0001")
    )
    answer = texts(await say(sqlite_bot, cem, "intrekken S-2026-0001"))
    assert answer == t("intake.not_yours_supported", ref="S-2026-0001")
    assert "'herken" not in answer
