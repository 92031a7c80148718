"""The ``signaalbot`` command line (typer).

Exit codes: 0 fine, 1 the database or a file is not usable, 2 bad settings or arguments.
Every command takes ``--db URL``; without it the URL comes from the settings.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from storage.errors import DatabaseUnavailableError, SchemaOutdatedError

if TYPE_CHECKING:
    from bot.bootstrap import Runtime
    from kernel.core import Identity
    from kernel.settings import Settings

T = TypeVar("T")

app = typer.Typer(
    name="signaalbot",
    help="Signaalbot: signals and research questions from practice, and the learning cycle.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database: migrate and inspect the schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: SIGNAALBOT_DATABASE_URL or ./signaalbot.db)"),
]


@asynccontextmanager
async def started_bot(settings: Settings) -> AsyncIterator[Runtime]:
    """The runtime with its database ready, closed again however the command ends.

    Why here: every command that works on the data needs exactly this; the one bootstrap
    keeps the engine from leaking when start-up fails (for example on an outdated schema).
    """
    from bot.bootstrap import running

    async with running(settings) as runtime:
        yield runtime


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def settings_for(db: str | None) -> Settings:
    """Settings with an optional ``--db`` override; bad settings end the command in one line."""
    from kernel.settings import SettingsError, load_settings

    try:
        return load_settings(**({"database_url": db} if db else {}))
    except SettingsError as exc:
        raise fail(str(exc), 2) from None


def run_async(make: Callable[[], Awaitable[T]], settings: Settings) -> T:
    """Run a coroutine, turning database trouble into a clear message and exit code 1."""
    from storage.db import safe_url

    try:
        return asyncio.run(make())  # type: ignore[arg-type]
    except DatabaseUnavailableError:
        raise fail(f"Database not reachable or locked: {safe_url(settings.database_url)}") from None
    except SchemaOutdatedError as exc:
        raise fail(f"Database schema is outdated: {exc}") from None


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Migrate the database to the newest schema."""
    from storage.db import safe_url, upgrade

    settings = settings_for(db)
    try:
        upgrade(settings.database_url)
    except DatabaseUnavailableError:
        raise fail(f"Database not reachable: {safe_url(settings.database_url)}") from None
    typer.echo(f"Database is up to date: {safe_url(settings.database_url)}")


@db_app.command("current")
def db_current(db: DbOption = None) -> None:
    """Show the schema revision of the database and the newest one."""
    from storage.db import current_revision, head_revision, safe_url

    settings = settings_for(db)
    try:
        current = current_revision(settings.database_url)
    except DatabaseUnavailableError:
        raise fail(f"Database not reachable: {safe_url(settings.database_url)}") from None
    head = head_revision(settings.database_url)
    typer.echo(f"current: {current or 'empty'}  newest: {head}")
    if current != head:
        raise typer.Exit(1)


@app.command("chat")
def chat(
    as_: Annotated[str, typer.Option("--as", help="Your name in the console chat")] = "console",
    role: Annotated[
        str | None,
        typer.Option(
            "--role",
            help="Give this person a role (console is for local use): professional, provider, "
            "policy_officer, research_desk, programme_leader or admin",
        ),
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="nl or en")] = None,
    db: DbOption = None,
) -> None:
    """Chat with the bot in the terminal (also reads piped input).

    The chat runs the same scheduler and dispatcher as ``serve``: messages for you (a status
    change, a stage prompt, an invitation, the weekly summary) appear while you chat, and what
    arrived while you were away is shown first. Several chats may share one SQLite file.
    """
    from bot.adapters.console import ConsoleAdapter
    from bot.adapters.console_messenger import ConsoleInbox
    from bot.adapters.console_terminal import TerminalLines, ctrl_c_from_own_terminal
    from bot.bootstrap import running
    from bot.heap import freeze_startup_heap
    from kernel.core import Identity, Platform, Role
    from kernel.logging import configure_logging

    settings = settings_for(db)
    configure_logging(settings.log_format, "warning")
    if role is not None and role not in Role._value2member_map_:
        raise fail(f"Unknown role {role!r}; choose from {', '.join(r.value for r in Role)}", 2)
    identity = Identity(platform=Platform.CONSOLE, user_id=as_, display_name=as_, locale=lang)

    async def main() -> None:
        async with running(settings, scheduler=True, demo_catalogue=True) as runtime:
            if role is not None:
                await grant_console_role(runtime, identity, role)
            # What is due goes out now, so a message for this person is shown before the
            # first prompt even when no other process was running to send it.
            await runtime.scheduler.dispatch_only()
            adapter = ConsoleAdapter(
                runtime.bot,
                identity,
                sys.stdin,
                sys.stdout,
                inbox=ConsoleInbox(runtime.services, identity.user_id),
                live=sys.stdin.isatty(),
                terminal=TerminalLines() if sys.stdin.isatty() else None,
            )
            freeze_startup_heap()  # the scheduler's rounds run beside the person's turns
            await adapter.run()

    if sys.stdin.isatty():
        ctrl_c_from_own_terminal(sys.stdin.fileno())
    run_async(main, settings)


async def grant_console_role(runtime: Runtime, identity: Identity, role: str) -> None:
    """Give the console person ``role`` (creating them first when new)."""
    services = runtime.services
    now = services.clock.now()
    async with services.uow() as uow:
        person = await uow.people.find_by_identity(identity.platform, identity.user_id)
        if person is None:
            person = await uow.people.create(
                platform=identity.platform.value,
                user_id=identity.user_id,
                now=now,
                display_name=identity.display_name,
                roles=frozenset({role}),
                org_type="provider" if role == "provider" else "municipality",
            )
        elif role not in person.roles:
            await uow.people.set_roles(person.id, person.roles | {role})
        await uow.audit.record(
            actor_id=person.id,
            action="person.role",
            entity="person",
            entity_id=person.id,
            now=now,
            details={"role": role, "via": "console"},
        )
        await uow.commit()


@app.command("serve")
def serve(
    db: DbOption = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=16,
            help="Processes sharing the port (SO_REUSEPORT, Linux); one per core at most",
        ),
    ] = 1,
    reuse_port: Annotated[bool, typer.Option(hidden=True)] = False,
) -> None:
    """Run the web server for Slack and Teams (and /healthz, /readyz)."""
    from aiohttp import web

    from bot.bootstrap import running
    from bot.heap import freeze_startup_heap
    from bot.web import build_web_app
    from kernel.logging import configure_logging, get_logger

    settings = settings_for(db)
    configure_logging(settings.log_format, settings.log_level)
    log = get_logger("signaalbot.serve")
    if workers > 1:
        serve_workers(settings, workers, db)
        return

    async def main() -> None:
        async with running(settings, scheduler=True, demo_catalogue=True) as runtime:
            runner = web.AppRunner(build_web_app(runtime))
            await runner.setup()
            frozen = freeze_startup_heap()
            site = web.TCPSite(runner, settings.host, settings.port, reuse_port=reuse_port)
            await site.start()
            log.info("serving", host=settings.host, port=settings.port, frozen_objects=frozen)
            try:
                await asyncio.Event().wait()
            finally:
                await runner.cleanup()

    run_async(main, settings)


def serve_workers(settings: Settings, workers: int, db: str | None) -> None:
    """``serve --workers N``: N processes on one port; the kernel spreads the connections.

    Why it is safe: every process is a full instance (its own scheduler, dispatcher and match
    index) as two instances on one database already are: outbox rows are claimed with a lease,
    ticks insert idempotently, the index follows the database's change log, and SQLite takes
    its write lock up front with a busy timeout. The schema is migrated once, here, first.
    """
    import signal

    from storage.db import ensure_schema

    try:
        ensure_schema(settings.database_url)
    except (DatabaseUnavailableError, SchemaOutdatedError) as exc:
        raise fail(f"Database not usable: {exc}") from None
    command = [sys.executable, "-m", "bot", "serve", "--reuse-port", *(["--db", db] if db else [])]
    # The first one starts alone: it seeds the themes and the demo catalogue, which two at once
    # would both insert. The others follow once it listens.
    children = [subprocess.Popen(command)]  # noqa: S603
    if _wait_listening(settings, children[0]):
        children += [subprocess.Popen(command) for _ in range(workers - 1)]  # noqa: S603

    stopped: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        stopped.append(signum)
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while all(child.poll() is None for child in children):
        try:
            children[0].wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            continue
    asked = bool(stopped)
    stop(signal.SIGTERM, None)  # one ended: end them all, the supervisor restarts the service
    codes = [child.wait() for child in children]
    ended_as_asked = {0, -signal.SIGTERM, -signal.SIGINT}
    if asked and all(code in ended_as_asked for code in codes):
        return
    raise typer.Exit(max((abs(code) for code in codes), default=0) or 1)


def _wait_listening(settings: Settings, first: subprocess.Popen[bytes], wait: float = 300) -> bool:
    """Whether the first worker listens on the port (False: it ended first)."""
    import socket
    import time

    host = "127.0.0.1" if settings.host in ("0.0.0.0", "") else settings.host  # noqa: S104
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and first.poll() is None:
        try:
            with socket.create_connection((host, settings.port), timeout=1.0):
                return True
        except OSError:
            time.sleep(0.2)
    return first.poll() is None


@app.command("run")
def run(db: DbOption = None) -> None:
    """Start the bot: the web server when Slack or Teams is configured, else the console chat."""
    settings = settings_for(db)
    if settings.slack_enabled or settings.teams_enabled:
        serve(db)
    else:
        chat(as_="console", role=None, lang=None, db=db)


def _register_extensions() -> None:
    """Each area keeps its commands in its own ``bot/cli_<area>.py``."""
    from bot import (
        cli_cycle,
        cli_demo,
        cli_export,
        cli_matching,
        cli_privacy,
        cli_sessions,
        cli_slack,
        cli_teams,
    )

    cli_cycle.register(app)
    cli_matching.register(app)
    cli_privacy.register(app)
    cli_export.register(app)
    cli_slack.register(app)  # before Teams: both add to the `manifest` group
    cli_teams.register(app)
    cli_sessions.register(app)
    cli_demo.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    # `python -m bot.cli`: this file runs as `__main__`, a second copy next to the `bot.cli` that
    # the extensions import; registering here would import them half-way. Run the one app.
    from bot.cli import main as registered_main

    registered_main()
else:
    _register_extensions()
