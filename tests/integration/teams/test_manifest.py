"""`signaalbot manifest teams` builds an app package Teams accepts."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from bot.cli import app

APP_ID = "11111111-2222-3333-4444-555555555555"


def test_manifest_package(tmp_path: Path) -> None:
    out = tmp_path / "signaalbot-teams.zip"
    result = CliRunner().invoke(
        app,
        [
            "manifest",
            "teams",
            "--out",
            str(out),
            "--app-id",
            APP_ID,
            "--website",
            "https://www.gemeente.example",
        ],
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == [
            "color.png",
            "en.json",
            "manifest.json",
            "outline.png",
        ]
        manifest = json.loads(package.read("manifest.json"))
        english = json.loads(package.read("en.json"))
        color = Image.open(io.BytesIO(package.read("color.png")))
        outline = Image.open(io.BytesIO(package.read("outline.png")))
    major, minor = (int(p) for p in manifest["manifestVersion"].split("."))
    assert (major, minor) >= (1, 17)
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "team", "groupChat"}
    titles = [c["title"] for c in manifest["bots"][0]["commandLists"][0]["commands"]]
    assert "signaal" in titles and "mijn signalen" in titles
    action = manifest["composeExtensions"][0]["commands"][0]
    assert action["title"] == "Meld als signaal" and action["context"] == ["message"]
    assert action["fetchTask"] is True and action["type"] == "action"
    assert english["composeExtensions[0].commands[0].title"] == "Report as signal"
    assert english["bots[0].commandLists[0].commands[1].title"] == "my signals"
    assert manifest["validDomains"] == ["www.gemeente.example"]
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    assert color.size == (192, 192)
    assert outline.size == (32, 32) and outline.mode == "RGBA"
    # The outline icon is white on transparent, as Teams requires.
    pixels = [outline.getpixel((x, y)) for x in range(32) for y in range(32)]
    assert any(p[3] == 0 for p in pixels)  # type: ignore[index]
    assert all(p[:3] == (255, 255, 255) for p in pixels if p[3] > 0)  # type: ignore[index]


def test_manifest_needs_an_app_id(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SIGNAALBOT_TEAMS_APP_ID", raising=False)
    result = CliRunner().invoke(
        app,
        ["manifest", "teams", "--out", str(tmp_path / "x.zip"), "--website", "https://a.example"],
    )
    assert result.exit_code == 2
    assert "app id" in result.output
