"""Operator commands for the learning cycle and the outbox.

``signaalbot tick --now ISO [--dry-run] [--json]``: what is due at that moment (dry run: insert
nothing); ``signaalbot outbox list|retry``; ``signaalbot cycle list|show|start``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import typer

from bot.cli import DbOption, fail, run_async, settings_for, started_bot

if TYPE_CHECKING:
    from kernel.settings import Settings


def _parse_now(value: str | None, settings: Settings) -> datetime:
    if value is None:
        from kernel.clock import SystemClock

        return SystemClock().now()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise fail(
            f"--now must be an ISO date-time such as 2026-03-05T09:00+01:00: {value!r}", 2
        ) from None
    if moment.tzinfo is None:  # a local time in the organisation's time zone
        moment = moment.replace(tzinfo=ZoneInfo(settings.timezone))
    return moment


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def register(app: typer.Typer) -> None:
    outbox_app = typer.Typer(help="Outbox: messages waiting to be sent.", no_args_is_help=True)
    cycle_app = typer.Typer(help="Learning cycles.", no_args_is_help=True)
    app.add_typer(outbox_app, name="outbox")
    app.add_typer(cycle_app, name="cycle")

    @app.command("tick")
    def tick_command(
        now: Annotated[
            str | None, typer.Option("--now", help="ISO moment (default: now); naive = local")
        ] = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Show, insert nothing")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
        db: DbOption = None,
    ) -> None:
        """Work out which prompts are due at --now and put them in the outbox."""
        from cycle.engine import tick

        settings = settings_for(db)
        moment = _parse_now(now, settings)

        async def main() -> dict[str, Any]:
            async with started_bot(settings) as bot:
                result = await tick(bot.services, moment, dry_run=dry_run)
                return result.as_dict()

        data = run_async(main, settings)
        data["dry_run"] = dry_run
        if as_json:
            _echo_json(data)
            return
        verb = "would insert" if dry_run else "inserted"
        typer.echo(
            f"{data['now']}: {data['active_stages']} active stage(s); "
            f"{len(data['due'])} prompt(s) due, {verb} {len(data['due']) if dry_run else data['inserted']}"
        )
        for item in data["due"]:
            typer.echo(f"  {item['key']}  person={item['person_id']}  at={item['not_before']}")

    @outbox_app.command("list")
    def outbox_list(
        status: Annotated[str | None, typer.Option("--status")] = None,
        limit: Annotated[int, typer.Option("--limit", min=1, max=10000)] = 50,
        as_json: Annotated[bool, typer.Option("--json")] = False,
        db: DbOption = None,
    ) -> None:
        """List outbox messages (ids, keys, status; never message text)."""
        settings = settings_for(db)

        async def main() -> tuple[list[dict[str, Any]], dict[str, int]]:
            async with started_bot(settings) as bot, bot.services.uow() as uow:
                rows = await uow.outbox.find(status=status, limit=limit)
                counts = await uow.outbox.counts()
            return [
                {
                    "id": m.id,
                    "key": m.key,
                    "person_id": m.person_id,
                    "status": m.status,
                    "attempts": m.attempts,
                    "not_before": m.not_before.isoformat(),
                    "platform": m.platform,
                    "platform_message_id": m.platform_message_id,
                    "sent_at": m.sent_at.isoformat() if m.sent_at else None,
                    "last_error": m.last_error,
                }
                for m in rows
            ], counts

        rows, counts = run_async(main, settings)
        if as_json:
            _echo_json({"counts": counts, "messages": rows})
            return
        typer.echo("  ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "outbox is empty")
        for r in rows:
            typer.echo(
                f"{r['id']:>6}  {r['status']:<11} tries={r['attempts']}  {r['key']}"
                f"  person={r['person_id']}  {r['last_error']}"
            )

    @outbox_app.command("retry")
    def outbox_retry(
        ids: Annotated[
            list[int] | None,
            typer.Argument(help="Message ids (default: all failed and unreachable)"),
        ] = None,
        db: DbOption = None,
    ) -> None:
        """Send failed or unreachable messages again (after the person was reached again)."""
        settings = settings_for(db)

        async def main() -> int:
            async with started_bot(settings) as bot, bot.services.uow() as uow:
                count = await uow.outbox.retry(ids, bot.services.clock.now())
                await uow.commit()
                return count

        typer.echo(f"{run_async(main, settings)} message(s) will be sent again")

    @cycle_app.command("list")
    def cycle_list(
        status: Annotated[
            str | None, typer.Option("--status", help="active|deciding|closed")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json")] = False,
        db: DbOption = None,
    ) -> None:
        """List learning cycles, newest first."""
        settings = settings_for(db)

        async def main() -> list[dict[str, Any]]:
            async with started_bot(settings) as bot, bot.services.uow() as uow:
                cycles = await uow.cycles.find(status=status, limit=500)
            return [_cycle_dict(c) for c in cycles]

        rows = run_async(main, settings)
        if as_json:
            _echo_json(rows)
            return
        for c in rows:
            current = c["stages"][c["current_stage"] - 1] if c["stages"] else {}
            typer.echo(
                f"#{c['id']:<5} {c['status']:<9} round {c['round']}  stage {c['current_stage']}"
                f"  due {current.get('due_on')}  {c['title']}"
            )
        if not rows:
            typer.echo("no learning cycles")

    @cycle_app.command("show")
    def cycle_show(cycle_id: int, db: DbOption = None) -> None:
        """Show one cycle with its stages (as JSON)."""
        settings = settings_for(db)

        async def main() -> dict[str, Any] | None:
            async with started_bot(settings) as bot, bot.services.uow() as uow:
                found = await uow.cycles.get(cycle_id)
            return _cycle_dict(found) if found else None

        data = run_async(main, settings)
        if data is None:
            raise fail(f"no learning cycle #{cycle_id}")
        _echo_json(data)

    @cycle_app.command("start")
    def cycle_start(
        title: Annotated[str, typer.Option("--title", help="What the cycle is about")] = "",
        study: Annotated[str | None, typer.Option("--study", help="Study ref")] = None,
        owner: Annotated[
            list[str] | None,
            typer.Option(
                "--owner", help="STAGE=NAME, e.g. 1=ans (repeatable; console name or display name)"
            ),
        ] = None,
        db: DbOption = None,
    ) -> None:
        """Start a learning cycle by hand."""
        from cycle.engine import kit_for
        from cycle.stage_actions import start_cycle

        settings = settings_for(db)
        wanted: dict[int, list[str]] = {}
        for item in owner or []:
            number, _, name = item.partition("=")
            if not number.strip().isdigit() or not name.strip():
                raise fail(f"--owner must look like 1=name: {item!r}", 2)
            wanted.setdefault(int(number), []).append(name.strip())

        async def main() -> tuple[int | None, str]:
            from handlers.cycle_common import find_person

            async with started_bot(settings) as bot, bot.services.uow() as uow:
                study_row = await uow.studies.get_by_ref(study) if study else None
                if study and study_row is None:
                    return None, f"unknown study {study!r}"
                owners: dict[int, list[int]] = {}
                for number, names in wanted.items():
                    for name in names:
                        person_id, error = await find_person(uow, name)
                        if person_id is None:
                            return None, f"owner {name!r}: {error.rsplit('.', 1)[-1]}"
                        owners.setdefault(number, []).append(person_id)
                started = await start_cycle(
                    uow,
                    title=title or (study_row.title if study_row else ""),
                    owners_by_stage=owners,
                    now=bot.services.clock.now(),
                    kit=kit_for(bot.services),
                    study_id=study_row.id if study_row else None,
                )
                await uow.commit()
                return started.id, ""

        cycle_id, error = run_async(main, settings)
        if cycle_id is None:
            raise fail(error, 2)
        typer.echo(f"started learning cycle #{cycle_id}")


def _cycle_dict(found: Any) -> dict[str, Any]:
    return {
        "id": found.id,
        "title": found.title,
        "study_id": found.study_id,
        "round": found.round,
        "status": found.status,
        "current_stage": found.current_stage,
        "conclusion": found.conclusion,
        "started_at": found.started_at.isoformat(),
        "stages": [
            {
                "number": s.number,
                "key": s.key,
                "status": s.status,
                "due_on": s.due_on.isoformat() if s.due_on else None,
                "owners": list(s.owner_ids),
                "postponements": s.postponements,
                "extensions": s.extensions,
                "done_at": s.done_at.isoformat() if s.done_at else None,
            }
            for s in found.stages
        ],
    }
