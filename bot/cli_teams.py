"""``signaalbot manifest teams``: writes the Teams app package (:mod:`bot.teams_package`).

Why apart from the package code: every ``signaalbot`` command imports this module to register
the command, and only this command needs Pillow, the JSON schemas and the message catalogue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlparse

import typer


def manifest_teams(
    out: Annotated[Path, typer.Option("--out", help="Where to write the zip")] = Path(
        "signaalbot-teams.zip"
    ),
    app_id: Annotated[
        str | None,
        typer.Option("--app-id", help="Bot app id (default: SIGNAALBOT_TEAMS_APP_ID)"),
    ] = None,
    website: Annotated[
        str | None,
        typer.Option("--website", help="https URL of your organisation (default: base URL)"),
    ] = None,
    version: Annotated[str, typer.Option("--version", help="App version, e.g. 1.0.0")] = "1.0.0",
) -> None:
    """Build the Teams app package (manifest, icons) to upload in the Teams admin center."""
    from bot import manifest_check
    from bot.cli import fail, settings_for
    from bot.teams_package import InvalidManifestError, build_package
    from kernel.i18n import Catalogue

    settings = settings_for(None)
    bot_id = app_id or settings.teams_app_id
    if not bot_id:
        raise fail("Give the bot's app id: --app-id or SIGNAALBOT_TEAMS_APP_ID", 2)
    if not manifest_check.is_guid(bot_id):
        raise fail(
            "The app id must be a GUID like 00000000-0000-0000-0000-000000000000 (the Azure "
            "bot's Microsoft App ID); Teams refuses a package with any other id",
            2,
        )
    site = website or settings.base_url
    if not site or urlparse(site).scheme != "https":
        raise fail("Give your organisation's https website: --website https://…", 2)
    try:
        path = build_package(
            out,
            app_id=bot_id,
            developer=settings.municipality,
            website=site,
            version=version,
            catalogue=Catalogue.load(settings.config_dir),
        )
    except InvalidManifestError as exc:
        raise fail(str(exc), 2) from None
    typer.echo(f"Teams app package written: {path}")


def _group(app: typer.Typer, name: str, help_text: str) -> typer.Typer:
    """The ``manifest`` group, shared with other platforms (``manifest slack``)."""
    for info in app.registered_groups:
        if info.name == name and info.typer_instance is not None:
            return info.typer_instance
    group = typer.Typer(help=help_text, no_args_is_help=True)
    app.add_typer(group, name=name)
    return group


def register(app: typer.Typer) -> None:
    group = _group(app, "manifest", "App packages and manifests for Slack and Teams.")
    group.command("teams")(manifest_teams)
