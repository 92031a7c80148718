"""The basic Teams flow through the real /api/messages endpoint and a fake Bot Connector."""

from __future__ import annotations

from tests.integration.teams.driver import TeamsChat, last_form, texts
from tests.integration.teams.fake_connector import cards_of, find
from turn.pipeline import Signaalbot


async def test_report_a_signal_from_a_card_form(teams: TeamsChat, bot: Signaalbot) -> None:
    calls = await teams.say("signaal")
    assert teams.last_status in (200, 201)
    form_call, data = last_form(calls)
    assert data["form_id"] == "signal.report"
    card = cards_of(form_call.body)[0]
    assert card["version"] == "1.5"
    text_input = next(i for i in find(card, "Input.Text") if i["id"] == "text")
    assert text_input["isMultiline"] is True and text_input["maxLength"] == 2000
    assert text_input["isRequired"] is True and text_input["errorMessage"]
    assert find(card, "Input.ChoiceSet")[0]["id"] == "theme"

    # Too short: the same card comes back in place, with the typed text kept and an error.
    short = {
        **data,
        "text": "Te kort",
        "theme": "leren",
        "area": "centrum",
        "since": "lt3m",
        "org_type": "municipality",
    }
    calls = await teams.submit(short, reply_to_id=form_call.response_id)
    assert teams.connector.updates(), "the form card is updated in place"
    update = calls[-1]
    assert update.method == "PUT" and update.activity_id == form_call.response_id
    again = cards_of(update.body)[0]
    assert next(i for i in find(again, "Input.Text") if i["id"] == "text")["value"] == "Te kort"
    assert "minstens 20 tekens" in texts([update])

    good = {
        **data,
        "text": "Steeds meer jongeren met schulden melden zich bij het wijkteam.",
        "theme": "leren",
        "area": "centrum",
        "since": "lt3m",
        "org_type": "municipality",
    }
    delivery = teams.activity(value=good, replyToId=form_call.response_id)
    calls = await teams.post(delivery)
    assert "S-2026-0001" in texts(calls)
    # The form card turned into "sent", so it cannot be submitted twice.
    assert any(c.method == "PUT" and "Verstuurd" in texts([c]) for c in calls)

    # The same delivery again (Teams redelivers an activity whose answer it did not get, e.g.
    # after a crash): the person hears the same confirmation, nothing is stored twice.
    assert "S-2026-0001" in texts(await teams.post(delivery))
    assert teams.last_status == 200
    async with bot.services.uow() as uow:
        assert await uow.signals.count() == 1

    calls = await teams.say("mijn signalen")
    assert "S-2026-0001" in texts(calls)


async def test_mention_in_a_channel_starts_intake(teams: TeamsChat) -> None:
    teams.conversation_type = "channel"
    teams.conversation_id = "19:channel@thread.tacv2;messageid=1"
    calls = await teams.say("signaal Wachtlijsten voor jeugdhulp worden langer", mention=True)
    _, data = last_form(calls)
    card = cards_of(calls[-1].body)[0]
    text_input = next(i for i in find(card, "Input.Text") if i["id"] == "text")
    assert text_input["value"] == "Wachtlijsten voor jeugdhulp worden langer"
    assert data["form_id"] == "signal.report"


async def test_bad_input_gets_a_kind_answer(sqlite_teams: TeamsChat) -> None:
    sqlite_teams.conversation_type = "groupChat"
    sqlite_teams.conversation_id = "19:group@thread.v2"
    assert "leeg" in texts(await sqlite_teams.say("", mention=True))
    # Over the limit for typed text: a kind answer, nothing parsed.
    assert "te lang" in texts(await sqlite_teams.say("signaal " + "🙂<!channel> " * 1000))
    calls = await sqlite_teams.say("signaal " + "🙂<!channel> " * 250, mention=True)
    card = cards_of(calls[-1].body)[0]
    value = next(i for i in find(card, "Input.Text") if i["id"] == "text")["value"]
    assert value.startswith("🙂<!channel>") and len(value) <= 2000
    # A click on a card the bot does not know any more.
    assert "werkt niet meer" in texts(await sqlite_teams.submit({"unknown": "x"}))
