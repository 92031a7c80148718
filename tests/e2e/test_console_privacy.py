"""The console checks each answer as it is typed: a BSN in step one is refused at step one.

What is offered back is the masked text (Enter keeps it), never the original; an answer that is
too short never replaces the text that was there; the refusal is audited without the text.
"""

from __future__ import annotations

import io

from bot.adapters.console import ConsoleAdapter
from tests.helpers import person
from turn.pipeline import Signaalbot

WITH_BSN = "Jongeren vallen tussen wal en schip, zoals de cliënt met BSN 111222333 bij ons."
MASKED = "Jongeren vallen tussen wal en schip, zoals de cliënt met BSN [BSN] bij ons."
# theme, sub-domain, who, where, since, how often, organisation
REST = ["1", "1", "", "1", "1", "", ""]


async def run_console(bot: Signaalbot, name: str, lines: list[str]) -> str:
    out = io.StringIO()
    await ConsoleAdapter(bot, person(name), io.StringIO("\n".join(lines) + "\n"), out).run()
    return out.getvalue()


async def test_bsn_is_refused_at_the_step_and_the_masked_text_is_kept(
    sqlite_bot: Signaalbot,
) -> None:
    # BSN at step one → refused at once; "kort" is too short and must not replace the text;
    # Enter keeps the masked text, which is then stored.
    output = await run_console(sqlite_bot, "ria", ["signaal", WITH_BSN, "kort", "", *REST, "stop"])
    first_refusal = output.index("persoonsgegevens")
    assert first_refusal < output.index("Thema")  # heard at step one, not after eight steps
    assert "111222333" not in output  # never offered back, never quoted
    assert output.count("druk Enter om te houden: " + MASKED[:60]) == 2
    assert "minstens 20 tekens" in output
    assert "S-2026-0001" in output
    async with sqlite_bot.services.uow() as uow:
        signal = await uow.signals.get_by_ref("S-2026-0001")
        audit = await uow.audit.by_actor(signal.reporter_id if signal else 0)
        draft = await uow.conversations.get("console", "ria", "draft:signal.report")
    assert signal is not None and signal.text == MASKED
    refused = [e for e in audit if e.action == "privacy.refused"]
    assert len(refused) == 1
    assert refused[0].details == {"fields": ["text"], "kinds": ["bsn"]}
    assert draft is None  # submitted: the draft is gone


async def test_a_staff_field_takes_a_colleague_but_not_a_bsn(sqlite_bot: Signaalbot) -> None:
    from kernel.core import Form, Input

    form = Form(
        form_id="test.staff",
        title="Test",
        submit_label="Ok",
        inputs=(Input(name="who", label="Wie?", holds="staff_name"),),
    )
    adapter = ConsoleAdapter(
        sqlite_bot, person("sam"), io.StringIO("Pieter 111222333\nPieter de Vries\n"), io.StringIO()
    )
    answer = await adapter._ask(form.inputs[0], "", form.form_id)
    assert answer == "Pieter de Vries"
