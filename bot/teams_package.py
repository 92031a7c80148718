"""The Teams app package a Microsoft 365 admin uploads (``signaalbot manifest teams``).

The package is a zip with ``manifest.json`` (schema 1.17), two generated icons (color 192x192,
outline 32x32 white on transparent) and an English localisation. Texts come from the message
catalogue (``config/messages/*/teams.toml``), so a municipality can change them.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from PIL import Image, ImageDraw

from bot import manifest_check
from kernel.i18n import Catalogue, Translator
from turn.commands import CommandWords

MANIFEST_VERSION = "1.17"
SCHEMA = (
    f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}/"
    "MicrosoftTeams.schema.json"
)
LOCALIZATION_SCHEMA = (
    f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}/"
    "MicrosoftTeams.Localization.schema.json"
)
ACCENT = "#1F6F8B"
SCOPES = ["personal", "team", "groupChat"]
# (command id, catalogue key of its description). The title is the command word of the
# manifest's language (commands.toml), so the English command menu shows English words.
COMMANDS = (
    ("signal", "teams.command_signal"),
    ("mine", "teams.command_mine"),
    ("status", "teams.command_status"),
    ("help", "teams.command_help"),
)
MESSAGE_ACTION_ID = "reportSignal"  # bot.adapters.teams_invokes.MESSAGE_ACTION_COMMANDS


class InvalidManifestError(ValueError):
    """The generated manifest breaks the official schema; nothing was written."""


def _texts(t: Translator) -> dict[str, str]:
    """The translatable strings of the manifest, by the keys Teams localisation files use."""
    texts = {
        "name.short": t("teams.manifest_short_name")[:30],
        "name.full": t("teams.manifest_full_name")[:100],
        "description.short": t("teams.manifest_short_description")[:80],
        "description.full": t("teams.manifest_full_description")[:4000],
        "composeExtensions[0].commands[0].title": t("teams.action_title")[:32],
        "composeExtensions[0].commands[0].description": t("teams.action_description")[:128],
    }
    words = CommandWords.from_catalogue(t.catalogue)
    for index, (command_id, key) in enumerate(COMMANDS):
        command = f"bots[0].commandLists[0].commands[{index}]"
        texts[f"{command}.title"] = words.shown(command_id, t.locale)[:32]
        texts[f"{command}.description"] = t(key)[:128]
    return texts


def build_manifest(
    *, app_id: str, developer: str, website: str, version: str, t: Translator
) -> dict[str, Any]:
    texts = _texts(t)
    host = urlparse(website).hostname
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {
            "name": developer[:32],
            "websiteUrl": website,
            "privacyUrl": website,
            "termsOfUseUrl": website,
        },
        "name": {"short": texts["name.short"], "full": texts["name.full"]},
        "description": {
            "short": texts["description.short"],
            "full": texts["description.full"],
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "localizationInfo": {
            "defaultLanguageTag": "nl-nl",
            "additionalLanguages": [{"languageTag": "en", "file": "en.json"}],
        },
        "bots": [
            {
                "botId": app_id,
                "scopes": SCOPES,
                "isNotificationOnly": False,
                "supportsFiles": False,
                "commandLists": [
                    {
                        "scopes": SCOPES,
                        "commands": [
                            {
                                "title": texts[f"bots[0].commandLists[0].commands[{index}].title"],
                                "description": texts[
                                    f"bots[0].commandLists[0].commands[{index}].description"
                                ],
                            }
                            for index in range(len(COMMANDS))
                        ],
                    }
                ],
            }
        ],
        "composeExtensions": [
            {
                "botId": app_id,
                "commands": [
                    {
                        "id": MESSAGE_ACTION_ID,
                        "type": "action",
                        "title": texts["composeExtensions[0].commands[0].title"],
                        "description": texts["composeExtensions[0].commands[0].description"],
                        "context": ["message"],
                        "fetchTask": True,
                    }
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [host] if host else [],
    }


def localization(t: Translator) -> dict[str, Any]:
    return {"$schema": LOCALIZATION_SCHEMA, **_texts(t)}


def _signal_mark(draw: ImageDraw.ImageDraw, size: int, fill: str, width: int) -> None:
    """A dot with two waves: a signal going out."""
    cx, cy = size * 0.34, size * 0.66
    dot = size * 0.09
    draw.ellipse((cx - dot, cy - dot, cx + dot, cy + dot), fill=fill)
    for radius in (size * 0.26, size * 0.44):
        box = (cx - radius, cy - radius, cx + radius, cy + radius)
        draw.arc(box, start=270, end=360, fill=fill, width=width)


def color_icon() -> bytes:
    size = 192
    image = Image.new("RGBA", (size, size), ACCENT)
    draw = ImageDraw.Draw(image)
    _signal_mark(draw, size, "#FFFFFF", 14)
    return _png(image)


def outline_icon() -> bytes:
    size = 32
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    _signal_mark(draw, size, "#FFFFFF", 3)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def build_package(
    out: Path, *, app_id: str, developer: str, website: str, version: str, catalogue: Catalogue
) -> Path:
    manifest = build_manifest(
        app_id=app_id,
        developer=developer,
        website=website,
        version=version,
        t=catalogue.translator("nl"),
    )
    english = localization(catalogue.translator("en"))
    found = [
        *(f"manifest.json {p}" for p in manifest_check.problems("teams", manifest)),
        *(f"en.json {p}" for p in manifest_check.problems("teams-localization", english)),
    ]
    if found:
        raise InvalidManifestError(
            "The Teams package would not pass the Teams schema v1.17:\n" + "\n".join(found)
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        package.writestr("en.json", json.dumps(english, ensure_ascii=False))
        package.writestr("color.png", color_icon())
        package.writestr("outline.png", outline_icon())
    return out
