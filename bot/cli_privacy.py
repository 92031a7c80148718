"""``signaalbot privacy``: scan texts for personal data, and AVG export/erasure of a person.

PERSON is a person id (``12``) or ``platform:user_id`` (``slack:T1:U2``, ``console:anna``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from bot.cli import DbOption, fail, run_async, settings_for, started_bot
from kernel.text import stdin_lines

if TYPE_CHECKING:
    from bot.bootstrap import Runtime
    from kernel.settings import Settings

T = TypeVar("T")


def _scan_json(text: str) -> str:
    from privacy import scan

    return json.dumps(
        [{"kind": f.kind, "start": f.start, "end": f.end} for f in scan(text)], ensure_ascii=False
    )


def _report(paths: list[Path]) -> None:
    from privacy import Guard
    from privacy.quality import kind_table, measure

    guard = Guard()
    for path in paths:
        if not path.is_file():
            raise fail(f"No labelled set at {path}.", 2)
        try:
            results = measure(path, guard)
        except (ValueError, KeyError) as exc:
            message = f"{path} is not a labelled set (JSON lines with text and spans): {exc}"
            raise fail(message, 2) from exc
        typer.echo(f"\n{path} ({results['all'].texts} texts)\n")
        typer.echo(kind_table(results))


def _with_bot(settings: Settings, work: Callable[[Runtime], Awaitable[T]]) -> T:
    """Run ``work`` on a started bot (stopped afterwards); database trouble ends the command."""

    async def main() -> T:
        async with started_bot(settings) as bot:
            return await work(bot)

    return run_async(main, settings)


def register(app: typer.Typer) -> None:
    privacy_app = typer.Typer(
        help="Privacy: find personal data in text; AVG export and erasure.", no_args_is_help=True
    )
    app.add_typer(privacy_app, name="privacy")

    @privacy_app.command("scan")
    def scan_cmd(
        text: Annotated[str | None, typer.Argument(help="The text to scan")] = None,
        stdin: Annotated[bool, typer.Option("--stdin", help="One text per line on stdin")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="JSON output (the default)")] = True,
        report: Annotated[
            list[Path] | None,
            typer.Option(
                "--report",
                help="A labelled set (JSON lines) to measure: recall and precision per kind, "
                "development and held-out parts. Repeat for more sets.",
            ),
        ] = None,
    ) -> None:
        """Print the personal data found: a JSON list of {"kind","start","end"} per text.

        With --report, measure the guard on labelled sets instead (the repository's sets:
        tests/data/privacy/privacy_set.jsonl, tests/data/privacy_independent/probe.jsonl).
        """
        if report:
            _report(report)
            return
        if stdin == (text is not None):
            raise fail("Give a TEXT or --stdin (one text per line), or --report SET.", 2)
        texts = stdin_lines(sys.stdin) if stdin else [text or ""]
        for item in texts:
            typer.echo(_scan_json(item))

    @privacy_app.command("export")
    def export_cmd(
        person: Annotated[str, typer.Argument(help="Person id or platform:user_id")],
        db: DbOption = None,
    ) -> None:
        """Print everything stored on a person as JSON (AVG right of access)."""
        data = _with_bot(settings_for(db), lambda bot: export_person(bot, person))
        if data is None:
            raise fail(f"No person {person!r}.", 1)
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))

    @privacy_app.command("erase")
    def erase_cmd(
        person: Annotated[str, typer.Argument(help="Person id or platform:user_id")],
        db: DbOption = None,
    ) -> None:
        """Remove a person's identity; their signals stay, anonymous (AVG right to erasure)."""
        erased = _with_bot(settings_for(db), lambda bot: erase_person(bot, person))
        if erased is None:
            raise fail(f"No person {person!r}.", 1)
        typer.echo(f"Person {erased} erased; their signals are kept without identity.")


async def export_person(bot: Any, ref: str) -> dict[str, Any] | None:
    from handlers.admin import find_person

    async with bot.services.uow() as uow:
        person = await find_person(uow, ref)
        if person is None:
            return None
        data = await uow.intake.person_data(person.id)
        data["messages"] = [
            {"key": m.key, "status": m.status, "created_at": m.created_at.isoformat()}
            for m in await uow.outbox.for_person(person.id)
        ]
        audit = await uow.audit.by_actor(person.id)
        await uow.audit.record(
            actor_id=None,
            action="person.export",
            entity="person",
            entity_id=person.id,
            now=bot.services.clock.now(),
        )
        await uow.commit()
    return {
        "person": {
            "id": person.id,
            "display_name": person.display_name,
            "locale": person.locale,
            "timezone": person.timezone,
            "org_type": person.org_type,
            "roles": sorted(person.roles),
            "erased": person.erased,
            "identities": [
                {"platform": i.platform, "user_id": i.user_id, "tenant": i.tenant}
                for i in person.identities
            ],
        },
        **data,
        "audit": [
            {
                "at": e.at.isoformat(),
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
            }
            for e in audit
        ],
    }


async def erase_person(bot: Any, ref: str) -> int | None:
    from bot.adapters.teams_memory import conversation_keys
    from handlers.admin import find_person

    async with bot.services.uow() as uow:
        person = await find_person(uow, ref)
        if person is None:
            return None
        # Everything kept per chat goes too: the state under the user id, and on Teams the
        # cards and forms kept under the conversation (the reference goes with the identity).
        owners = [(i.platform, i.user_id) for i in person.identities]
        owners += [
            (i.platform, key)
            for i in person.identities
            if i.platform == "teams"
            for key in conversation_keys(i.conversation_ref)
        ]
        await uow.intake.forget_conversations(owners)
        await uow.outbox.drop_pending_for(person.id)
        await uow.people.erase(person.id)
        await uow.audit.record(
            actor_id=None,
            action="person.erase",
            entity="person",
            entity_id=person.id,
            now=bot.services.clock.now(),
        )
        await uow.commit()
    return int(person.id)
