from __future__ import annotations

from pathlib import Path

import pytest

from kernel.settings import DEFAULT_DATABASE_URL, SettingsError, load_settings


def test_defaults_use_embedded_sqlite(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SIGNAALBOT_DATABASE_URL", raising=False)
    settings = load_settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.default_locale == "nl"
    assert not settings.slack_enabled and not settings.teams_enabled


def test_environment_wins_over_toml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "signaalbot.toml").write_text('port = 4000\nmunicipality = "Eindhoven"\n')
    monkeypatch.setenv("SIGNAALBOT_PORT", "5000")
    settings = load_settings()
    assert settings.port == 5000
    assert settings.municipality == "Eindhoven"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SIGNAALBOT_PORT", "zero"),
        ("SIGNAALBOT_TIMEZONE", "Mars/Olympus"),
        ("SIGNAALBOT_DATABASE_URL", "mysql://x"),
        ("SIGNAALBOT_TEAMS_OPENID_METADATA_URL", "http://keys.example.nl/metadata"),
        ("SIGNAALBOT_TEAMS_OPENID_METADATA_URL", "ftp://127.0.0.1/metadata"),
        ("SIGNAALBOT_TEAMS_OPENID_METADATA_URL", "https:///metadata"),
    ],
)
def test_invalid_setting_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert name in message
    assert "\n" not in message


def test_secrets_are_never_printed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SIGNAALBOT_SLACK_BOT_TOKEN", "xoxb-very-secret")
    settings = load_settings()
    assert "xoxb-very-secret" not in repr(settings)
    assert "xoxb-very-secret" not in str(settings.model_dump())
    assert settings.slack_enabled


@pytest.mark.parametrize(
    "url",
    [
        "https://login.botframework.azure.us/v1/.well-known/openidconfiguration",
        "http://127.0.0.1:8080/metadata",
        "http://localhost/metadata",
    ],
)
def test_the_openid_metadata_url_is_https_or_this_machine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SIGNAALBOT_TEAMS_OPENID_METADATA_URL", url)
    assert load_settings().teams_openid_metadata_url == url
