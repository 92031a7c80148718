"""Teams speaks the language the person chose (``taal en``), not their Teams client's locale.

Slack did this already; Teams used the client's locale for the adapter's own texts (the
"Kiezen" button, "Verstuurd", errors) and for proactive messages.
"""

from __future__ import annotations

from bot.bootstrap import Runtime
from kernel.core import Choice, Option, Reply
from tests.integration.teams.driver import TeamsChat, last_form, texts
from tests.integration.teams.fake_connector import FakeConnector, cards_of, find


async def test_the_chosen_language_wins_over_the_client_locale(
    teams: TeamsChat, runtime: Runtime, connector: FakeConnector
) -> None:
    bot = runtime.bot
    assert teams.locale == "nl-NL"
    assert "Dit kun je typen" in texts(await teams.say("help"))
    assert "English" in texts(await teams.say("taal en"))

    help_calls = await teams.say("help")
    shown = texts(help_calls)
    assert "You can type:" in shown and "• my signals" in shown and "mijn signalen" not in shown
    # One TextBlock per line: Microsoft's clients would otherwise join the list into one line.
    lines = [b["text"] for card in cards_of(help_calls[-1].body) for b in find(card, "TextBlock")]
    assert "• my signals – what you reported or recognise, and how it is going" in lines

    form_call, data = last_form(await teams.say("signal"))
    card = cards_of(form_call.body)[0]
    assert find(card, "Input.Text")[0]["label"] == "What do you see?"
    refused = await teams.submit({**data, "text": "Too short"}, reply_to_id=form_call.response_id)
    assert "at least 20 characters" in texts(refused)
    assert "minstens" not in texts(refused)

    # A proactive message with a choice: the adapter's own button text is English too.
    async with bot.services.uow() as uow:
        person = await uow.people.find_by_identity("teams", teams.identity_user_id)
    assert person is not None and person.locale == "en"
    address = person.identity("teams")
    assert address is not None
    choice = Choice(label="Pick", action_id="x.pick", options=(Option(label="A", value="a"),))
    await runtime.messengers["teams"].send(address, Reply(blocks=(choice,)))
    sent = cards_of(connector.sent()[-1].body)[0]
    assert find(sent, "Action.Submit")[0]["title"] == "Choose"
