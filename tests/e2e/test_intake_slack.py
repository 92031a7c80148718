"""The whole intake story on Slack: signed requests into the real aiohttp app, slash commands,
modals, buttons, and the follower notices sent by the real outbox dispatcher to a fake Slack."""

from __future__ import annotations

from typing import Literal

import pytest

from kernel.clock import ManualClock
from tests.e2e.english import dutch_in
from tests.e2e.scenario_intake import PEOPLE, STEPS, english_outputs, typed_texts
from tests.e2e.slack_runner import SlackRunner, setup_slack_people, slack_stack, slack_user
from tests.slack_support import TEAM


@pytest.mark.parametrize("via", ["slash", "dm"])
async def test_intake_story_on_slack(
    db_url: str, clock: ManualClock, via: Literal["slash", "dm"]
) -> None:
    """``slash``: /signaal, /vraag, /signaalbot <text>, forms open as modals at once.
    ``dm``: everything typed in the bot's DM; forms open from their button in the DM."""
    async with slack_stack(db_url, clock) as slack:
        identities = await setup_slack_people(slack.bot, PEOPLE)
        runner = SlackRunner(slack, PEOPLE, identities, via=via)
        outputs = [(step.who, await runner.run(step, n)) for n, step in enumerate(STEPS, start=1)]
        # Piet chose English: nothing he was shown is Dutch, apart from what others typed.
        english = english_outputs(outputs)
        assert "Recognised" in english or "recognise" in english
        assert dutch_in(english, slack.bot.services.catalogue, typed_texts()) == [], english
        # Every queued notice went out as a Slack DM; none failed, waited or bounced.
        assert runner.dispatched >= sum(len(s.notified) for s in STEPS)
        assert runner.not_delivered == 0
        # Nothing with personal data was stored anywhere: not the signal, not a draft.
        async with slack.bot.services.uow() as uow:
            signal = await uow.signals.get_by_ref("S-2026-0001")
            assert signal is not None and "111222333" not in signal.text
            anna = await uow.people.find_by_identity("slack", f"{TEAM}:{slack_user('anna')}")
            assert anna is not None
            data = await uow.intake.person_data(anna.id)
        assert "111222333" not in str(data)
        # And nothing with it went to Slack either.
        assert not any("111222333" in str(c.params) for c in slack.fake.calls)
        assert not any("111222333" in str(r) for r in slack.fake.responses)
