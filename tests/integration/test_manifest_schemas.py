"""Both manifests pass the platforms' official schemas, in the command and here; a broken one
is refused before anything is written."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot import manifest_check
from bot.cli import app
from bot.cli_slack import manifest as slack_manifest
from bot.teams_package import build_manifest, localization
from kernel.i18n import Catalogue
from kernel.settings import Settings

APP_ID = "11111111-2222-3333-4444-555555555555"


def _teams(tmp_path: Path, app_id: str) -> tuple[int, str, Path]:
    out = tmp_path / "pkg.zip"
    result = CliRunner().invoke(
        app,
        [
            "manifest",
            "teams",
            "--out",
            str(out),
            "--app-id",
            app_id,
            "--website",
            "https://www.gemeente.example",
        ],
    )
    return result.exit_code, result.output, out


def test_teams_package_passes_the_v1_17_schema(tmp_path: Path) -> None:
    code, output, out = _teams(tmp_path, APP_ID)
    assert code == 0, output
    with zipfile.ZipFile(out) as package:
        manifest = json.loads(package.read("manifest.json"))
        english = json.loads(package.read("en.json"))
    assert manifest_check.problems("teams", manifest) == []
    assert manifest_check.problems("teams-localization", english) == []


@pytest.mark.parametrize(
    "app_id", ["not-a-guid", "11111111222233334444555555555555", "1111-2222", "{" + APP_ID + "}"]
)
def test_a_non_guid_app_id_is_refused_with_exit_2_and_nothing_written(
    tmp_path: Path, app_id: str
) -> None:
    code, output, out = _teams(tmp_path, app_id)
    assert code == 2
    assert "GUID" in output
    assert not out.exists()


def test_the_schema_check_catches_what_the_admin_center_would_refuse() -> None:
    t = Catalogue.load(None).translator("nl")
    good = build_manifest(
        app_id=APP_ID, developer="Gemeente", website="https://a.example", version="1.0.0", t=t
    )
    assert manifest_check.problems("teams", good) == []
    bad = json.loads(json.dumps(good))
    bad["bots"][0]["botId"] = "not-a-guid"
    bad["accentColor"] = "blue"
    found = manifest_check.problems("teams", bad)
    assert any(p.startswith("bots/0/botId") for p in found)
    assert any(p.startswith("accentColor") for p in found)
    assert manifest_check.problems("teams-localization", localization(t)) == []


@pytest.mark.parametrize("socket", [False, True])
def test_slack_manifest_passes_slacks_schema(socket: bool) -> None:
    settings = Settings(base_url="https://bot.gemeente.nl", _env_file=None)  # type: ignore[call-arg]
    document = slack_manifest(settings, socket)
    assert manifest_check.problems("slack", document) == []
    no_slash = json.loads(json.dumps(document))
    no_slash["features"]["slash_commands"][0]["command"] = "signaal zonder slash"
    assert [p.split(":")[0] for p in manifest_check.problems("slack", no_slash)] == [
        "features/slash_commands/0/command"
    ]
    misspelt = json.loads(json.dumps(document))
    misspelt["settings"]["interactivty"] = {}
    assert any("interactivty" in p for p in manifest_check.problems("slack", misspelt))


def test_slack_command_checks_its_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNAALBOT_BASE_URL", "https://bot.gemeente.nl")
    result = CliRunner().invoke(app, ["manifest", "slack"])
    assert result.exit_code == 0, result.output
    assert manifest_check.problems("slack", yaml.safe_load(result.output)) == []
