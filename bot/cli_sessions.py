"""``signaalbot sessions list|plan`` and ``signaalbot summary --week 2026-W48 --out FILE``."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from bot.cli import DbOption, fail, run_async, settings_for, started_bot


def register(app: typer.Typer) -> None:
    sessions_app = typer.Typer(help="Agenda sessions (H, I, D, K).", no_args_is_help=True)
    app.add_typer(sessions_app, name="sessions")

    @sessions_app.command("list")
    def sessions_list(
        days: Annotated[int, typer.Option(help="Show sessions of the next DAYS days")] = 365,
        db: DbOption = None,
    ) -> None:
        """List planned sessions with their RSVPs."""

        settings = settings_for(db)

        async def main() -> list[str]:
            async with started_bot(settings) as bot:
                now = bot.services.clock.now()
                zone = ZoneInfo(settings.timezone)
                async with bot.services.uow() as uow:
                    lines = []
                    for s in await uow.meetings.find(
                        since=now - timedelta(days=1), until=now + timedelta(days=days)
                    ):
                        counts = await uow.meetings.rsvp_counts(s.id)
                        local = s.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
                        rsvp = " ".join(f"{k}={v}" for k, v in counts.items())
                        lines.append(
                            f"{s.id:>4}  {s.kind}  {local}  {s.status:<9}  {s.location}  "
                            f"{s.title}  [{rsvp}]"
                        )
                return lines

        lines = run_async(main, settings)
        typer.echo("\n".join(lines) if lines else "No sessions planned.")

    @sessions_app.command("plan")
    def sessions_plan(
        months: Annotated[int, typer.Option(help="Plan the series this many months ahead")] = 12,
        study: Annotated[
            str | None, typer.Option(help="Plan the D session of this study (its ref)")
        ] = None,
        at: Annotated[
            str | None, typer.Option(help="Start of the D session, local time: 2027-03-02T14:00")
        ] = None,
        owner: Annotated[
            list[str] | None,
            typer.Option(help="Stage owner agreed for the cycle: 1=slack:T01:U123 (repeatable)"),
        ] = None,
        db: DbOption = None,
    ) -> None:
        """Plan the H, I and K series from calendar.toml, or one D session with --study/--at."""
        from cycle.session_ports import toolkit_for
        from cycle.sessions import load_session_config, plan_knowledge_session, plan_sessions

        settings = settings_for(db)
        if (study is None) != (at is None):
            raise fail("Give --study and --at together.", 2)
        starts: datetime | None = None
        if at is not None:
            try:
                starts = datetime.fromisoformat(at)
            except ValueError:
                raise fail(f"--at is not a date and time: {at!r}", 2) from None
            if starts.tzinfo is None:
                starts = starts.replace(tzinfo=ZoneInfo(settings.timezone))

        owner_specs: dict[int, tuple[str, str]] = {}
        for spec in owner or []:
            stage, _, who = spec.partition("=")
            platform, _, user_id = who.partition(":")
            if stage not in ("1", "2", "3", "4") or not user_id:
                raise fail(f"--owner must look like 1=slack:T01:U123, not {spec!r}", 2)
            owner_specs[int(stage)] = (platform, user_id)

        async def main() -> list[str]:
            async with started_bot(settings) as bot:
                now = bot.services.clock.now()
                config = load_session_config(settings.config_dir)
                async with bot.services.uow() as uow:
                    if study is not None and starts is not None:
                        found = await uow.studies.get_by_ref(study)
                        if found is None:
                            raise fail(f"Unknown study {study!r}.", 2)
                        owners: dict[int, int] = {}
                        for stage, (platform, user_id) in owner_specs.items():
                            person = await uow.people.find_by_identity(platform, user_id)
                            if person is None:
                                raise fail(f"Unknown person {platform}:{user_id}.", 2)
                            owners[stage] = person.id
                        made = [
                            await plan_knowledge_session(
                                uow,
                                config,
                                study_id=found.id,
                                starts_at=starts,
                                now=now,
                                owners_by_stage=owners,
                            )
                        ]
                    else:
                        toolkit = toolkit_for(settings)
                        made = await plan_sessions(
                            uow,
                            toolkit,
                            config,
                            now,
                            now + timedelta(days=31 * months),
                            now,
                            settings.timezone,
                        )
                    await uow.commit()
                return [f"{s.id:>4}  {s.kind}  {s.starts_at.isoformat()}  {s.title}" for s in made]

        lines = run_async(main, settings)
        typer.echo("\n".join(lines) if lines else "Nothing new to plan.")

    @sessions_app.command("export")
    def sessions_export(
        session: Annotated[int, typer.Option(help="Session id (see `sessions list`)")],
        out: Annotated[Path, typer.Option(help="Output file: .md or .xlsx")],
        lang: Annotated[str | None, typer.Option(help="nl or en")] = None,
        db: DbOption = None,
    ) -> None:
        """Write a session's agenda and outcomes as Markdown or XLSX (council, providers)."""
        from cycle.session_export import session_rows, write_markdown, write_xlsx
        from cycle.sessions import load_session_config

        settings = settings_for(db)
        suffix = out.suffix.lower()
        if suffix not in (".md", ".xlsx"):
            raise fail("--out must end in .md or .xlsx", 2)

        async def main() -> None:
            async with started_bot(settings) as bot:
                t = bot.services.translator(lang)
                async with bot.services.uow() as uow:
                    try:
                        heading, rows = await session_rows(
                            uow, session, load_session_config(settings.config_dir), t
                        )
                    except LookupError:
                        raise fail(f"Unknown session {session}.", 2) from None
                (write_markdown if suffix == ".md" else write_xlsx)(heading, rows, t, out)

        try:
            run_async(main, settings)
        except OSError as exc:
            raise fail(f"Cannot write {out}: {exc.strerror}") from None
        typer.echo(f"Written: {out}")

    @app.command("summary")
    def summary(
        week: Annotated[str, typer.Option(help="ISO week, e.g. 2026-W48")],
        out: Annotated[Path, typer.Option(help="Output file: .html or .png")],
        lang: Annotated[str | None, typer.Option(help="nl or en")] = None,
        db: DbOption = None,
    ) -> None:
        """Write the weekly summary of a week as HTML or PNG (by the file's extension)."""
        from cycle.session_ports import toolkit_for
        from cycle.summary import collect_summary, parse_week
        from cycle.summary_render import write_summary

        settings = settings_for(db)
        try:
            year, number = parse_week(week)
        except ValueError as exc:
            raise fail(str(exc), 2) from None
        if out.suffix.lower() not in (".html", ".htm", ".png"):
            raise fail("--out must end in .html or .png", 2)

        async def main() -> Path:
            async with started_bot(settings) as bot:
                toolkit = toolkit_for(settings)
                t = bot.services.translator(lang)
                async with bot.services.uow() as uow:
                    data = await collect_summary(
                        uow, bot.services, year, number, toolkit=toolkit, locale=t.locale
                    )
                return write_summary(data, t, out)

        try:
            written = run_async(main, settings)
        except OSError as exc:
            raise fail(f"Cannot write {out}: {exc.strerror}") from None
        typer.echo(f"Written: {written}")
