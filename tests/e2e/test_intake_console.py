"""The whole intake story through the console adapter (piped text in, text out)."""

from __future__ import annotations

from bot.bootstrap import Runtime
from kernel.core import Platform
from tests.e2e.console_runner import ConsoleRunner, setup_people
from tests.e2e.english import dutch_in
from tests.e2e.scenario_intake import PEOPLE, STEPS, english_outputs, typed_texts


async def test_intake_story_on_the_console(runtime: Runtime) -> None:
    bot = runtime.bot
    identities = await setup_people(bot, PEOPLE, Platform.CONSOLE)
    runner = ConsoleRunner(bot, PEOPLE, identities, runtime.index_jobs)
    outputs = [(step.who, await runner.run(step, n)) for n, step in enumerate(STEPS, start=1)]
    # Piet chose English: nothing he was shown is Dutch, apart from what others typed.
    english = english_outputs(outputs)
    assert "Recognised" in english or "recognise" in english
    assert dutch_in(english, bot.services.catalogue, typed_texts()) == [], english
    # Nothing with personal data was stored anywhere: not the signal, not a draft.
    async with bot.services.uow() as uow:
        signal = await uow.signals.get_by_ref("S-2026-0001")
        assert signal is not None and "111222333" not in signal.text
        anna = await uow.people.find_by_identity("console", "anna")
        assert anna is not None
        data = await uow.intake.person_data(anna.id)
    assert "111222333" not in str(data)
