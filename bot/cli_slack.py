"""``signaalbot manifest slack``: the Slack app manifest for this installation, as YAML.

Why generated: the commands, shortcuts, events and scopes must match what
``bot/adapters/slack.py`` listens to, and the URLs the configured ``SIGNAALBOT_BASE_URL``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from kernel.settings import Settings


def manifest(settings: Settings, socket_mode: bool | None = None) -> dict[str, Any]:
    from bot.adapters.slack import (
        BOT_EVENTS,
        BOT_SCOPES,
        EVENTS_PATH,
        GLOBAL_SHORTCUT,
        MESSAGE_SHORTCUT,
        REDIRECT_PATH,
        slack_mode,
    )
    from kernel.i18n import Catalogue

    t = Catalogue.load(settings.config_dir).translator(settings.default_locale)
    socket = slack_mode(settings) == "socket" if socket_mode is None else socket_mode
    base = (settings.base_url or "https://signaalbot.example.nl").rstrip("/")
    events_url = f"{base}{EVENTS_PATH}"

    def command(name: str) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "command": f"/{name}",
            "description": t(f"slack.command_{name}"),
            "usage_hint": t(f"slack.command_hint_{name}"),
            "should_escape": True,
        }
        if not socket:
            entry["url"] = events_url
        return entry

    interactivity: dict[str, Any] = {"is_enabled": True}
    event_subscriptions: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    if not socket:
        interactivity["request_url"] = events_url
        event_subscriptions["request_url"] = events_url
    oauth: dict[str, Any] = {"scopes": {"bot": list(BOT_SCOPES)}}
    if settings.slack_client_id:
        oauth["redirect_urls"] = [f"{base}{REDIRECT_PATH}"]
    return {
        "display_information": {
            "name": "Signaalbot",
            "description": t("slack.app_description")[:140],
            "background_color": "#1d4f91",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": "signaalbot", "always_online": True},
            "slash_commands": [command(n) for n in ("signaal", "vraag", "signaalbot")],
            "shortcuts": [
                {
                    "name": t("slack.global_shortcut_name"),
                    "type": "global",
                    "callback_id": GLOBAL_SHORTCUT,
                    "description": t("slack.global_shortcut_description"),
                },
                {
                    "name": t("slack.shortcut_name"),
                    "type": "message",
                    "callback_id": MESSAGE_SHORTCUT,
                    "description": t("slack.shortcut_description"),
                },
            ],
        },
        "oauth_config": oauth,
        "settings": {
            "event_subscriptions": event_subscriptions,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket,
            "token_rotation_enabled": False,
        },
    }


def register(app: typer.Typer) -> None:
    manifest_app = typer.Typer(help="Print app manifests for chat platforms.", no_args_is_help=True)
    app.add_typer(manifest_app, name="manifest")

    @manifest_app.command("slack")
    def slack(
        socket: Annotated[
            bool | None,
            typer.Option(
                "--socket/--http",
                help="Socket Mode or HTTP (default: Socket Mode when an app token is set)",
            ),
        ] = None,
    ) -> None:
        """Print the Slack app manifest (YAML) for SIGNAALBOT_BASE_URL."""
        import yaml

        from bot import manifest_check
        from bot.cli import fail, settings_for

        settings = settings_for(None)
        document = manifest(settings, socket)
        found = manifest_check.problems("slack", document)
        if found:
            raise fail(
                "The Slack manifest would not pass Slack's manifest schema:\n" + "\n".join(found),
                2,
            )
        typer.echo(
            yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100), nl=False
        )

    keys_app = typer.Typer(
        help="Slack installations: keys for tokens at rest.", no_args_is_help=True
    )
    app.add_typer(keys_app, name="slack")

    @keys_app.command("new-key")
    def new_key() -> None:
        """Print a new Fernet key; put it first in SIGNAALBOT_SLACK_TOKEN_KEYS."""
        from storage.token_cipher import new_key as make_key

        typer.echo(make_key())

    @keys_app.command("rotate-tokens")
    def rotate_tokens(
        db: Annotated[str | None, typer.Option("--db", help="Database URL")] = None,
    ) -> None:
        """Re-encrypt every stored Slack token under the first key (then drop old keys).

        Prints only how many installations were re-encrypted: tokens never reach the terminal.
        """
        from bot.adapters.slack import token_cipher
        from bot.cli import fail, run_async, settings_for
        from storage.db import Database
        from storage.slack_store import SqlInstallationStore
        from storage.uow import unit_of_work

        settings = settings_for(db)
        try:
            cipher = token_cipher(settings)
        except ValueError as exc:
            raise fail(str(exc), 2) from None

        async def work() -> int:
            database = Database(settings.database_url)
            try:
                store = SqlInstallationStore(
                    partial(unit_of_work, database), _now, cipher, settings.slack_client_id or ""
                )
                return await store.rotate()
            finally:
                await database.dispose()

        count = run_async(work, settings)
        typer.echo(f"Slack installations re-encrypted with the first key: {count}")


def _now() -> datetime:
    return datetime.now(UTC)
