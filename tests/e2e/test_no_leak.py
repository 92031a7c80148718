"""Nothing leaks: personal data typed into every text field of every form, on console, Slack and
Teams identities, plus the prefilled forms (``signaal <text>``, ``cyclus start <title>``), is
found nowhere afterwards: not in any table (conversation state and drafts included), not in the
outbox or the audit trail, not in the log at debug level. Each refusal is audited without the
text.

Every form comes from the same walk as tests/unit/handlers/test_every_form_guarded.py, so a new
form is covered here too. The person holds every role, so no route refuses them before the form
is checked.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from kernel.core import Identity, Platform, Submit
from kernel.logging import configure_logging
from storage.models import AuditEventRow, Base
from tests.unit.handlers.test_every_form_guarded import all_forms, typed_inputs
from turn.pipeline import Signaalbot

# One value per kind; each is searched for afterwards, as typed and without spaces.
SECRETS = {
    "bsn": "111222333",
    "email": "k.nowak@voorbeeld.nl",
    "phone": "06-87654321",
    "iban": "NL91ABNA0417164300",
    "address": "Kruisstraat 12a",
    "birth_date": "14-03-2009",
    "case_number": "Z/23/456789",
    "name": "mevrouw Doelwijt",
}
TEXT = (
    "Cliënt {bsn} van {name}, geboren {birth_date}, woont op {address}; bel {phone} of mail "
    "{email}, rekening {iban}, zaaknummer {case_number}. Dit is een lange tekst over haar."
).format(**SECRETS)
NAMES = ("mevrouw Doelwijt", "Doelwijt")
NEEDLES = (*SECRETS.values(), *NAMES, "87654321", "456789", "0417164300")


async def _give_all_roles(bot: Signaalbot, who: Identity) -> None:
    async with bot.services.uow() as uow:
        person = await uow.people.create(
            platform=who.platform.value,
            user_id=who.user_id,
            now=bot.services.clock.now(),
            display_name=who.display_name,
            roles=frozenset({"admin"}),
        )
        await uow.commit()
    assert person.id


async def _everything_stored(bot: Signaalbot) -> str:
    parts: list[str] = []
    async with bot.services.uow() as uow:
        session = uow._session  # a read-only look at every table
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                parts.append(repr(tuple(row)))
    return "\n".join(parts)


@pytest.mark.parametrize("platform", [Platform.CONSOLE, Platform.SLACK, Platform.TEAMS])
async def test_personal_data_in_every_field_is_stored_and_logged_nowhere(
    sqlite_bot: Signaalbot, platform: Platform, capfd: pytest.CaptureFixture[str]
) -> None:
    configure_logging("console", "debug")
    try:
        who = Identity(platform=platform, user_id=f"{platform.value}-tester", display_name="T")
        await _give_all_roles(sqlite_bot, who)
        typed = 0
        refused_fields = 0
        for form in await all_forms(sqlite_bot):
            for _, field in typed_inputs([form]):
                value = TEXT[: field.max_length] if field.max_length >= 40 else SECRETS["bsn"]
                submit = Submit(form_id=form.form_id, values={field.name: value}, context="1")
                replies = await sqlite_bot.handle(who, submit)
                typed += 1
                errors = {k: v for r in replies for k, v in r.errors.items()}
                refused_fields += "persoonsgegevens" in errors.get(field.name, "")
                shown = "\n".join(r.plain_text for r in replies)
                # A staff field may hold a name (a colleague's): the refusal quotes it masked
                # for the other kinds only.
                allowed = NAMES if field.holds == "staff_name" else ()
                for needle in NEEDLES:
                    if needle not in allowed:
                        assert needle not in shown, (form.form_id, field.name, needle)
        # The prefilled forms: the typed text is never echoed nor kept.
        for command in ("signaal", "cyclus start", "vraag", "herken"):
            replies = await sqlite_bot.handle(who, sqlite_bot.parse_text(f"{command} {TEXT}"))
            shown = "\n".join(r.plain_text for r in replies)
            shown += "\n".join(
                i.initial for r in replies for b in r.blocks if b.type == "form" for i in b.inputs
            )
            for needle in NEEDLES:
                assert needle not in shown, (command, needle)
        assert typed >= 20
        assert refused_fields >= 10  # forms that check the text before their context
        stored = await _everything_stored(sqlite_bot)
        for needle in NEEDLES:
            assert needle not in stored, needle
        async with sqlite_bot.services.uow() as uow:
            session = uow._session
            audits = [
                dict(details)
                for details in (
                    await session.scalars(
                        select(AuditEventRow.details).where(
                            AuditEventRow.action == "privacy.refused"
                        )
                    )
                ).all()
            ]
        assert len(audits) >= refused_fields
        assert all(set(details) == {"fields", "kinds"} for details in audits)
    finally:
        logging.getLogger().setLevel(logging.WARNING)
        configure_logging("console", "warning")
    logged = capfd.readouterr()
    log_text = logged.out + logged.err
    assert "debug" in log_text or "info" in log_text  # the log was on, at debug
    for needle in NEEDLES:
        assert needle not in log_text, needle
