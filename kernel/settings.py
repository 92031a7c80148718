"""Settings, read once at start-up and passed down.

Why pydantic-settings: every value can come from the environment (prefix ``SIGNAALBOT_``)
or from an optional ``signaalbot.toml`` in the working directory, is validated in one place,
and secrets are ``SecretStr`` so they never end up in a log line or a traceback.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from typing_extensions import override

DEFAULT_DATABASE_URL = "sqlite:///./signaalbot.db"


def default_data_dir() -> Path:
    """Where charts and invitations go unless ``SIGNAALBOT_DATA_DIR`` says otherwise: the user's
    data folder, never the working directory (a ``make run`` in a clone leaves no files)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "signaalbot"


class SettingsError(Exception):
    """A setting is invalid; the message names the setting in one line."""


class Settings(BaseSettings):
    """All settings of signaalbot. The README's settings table mirrors this class."""

    model_config = SettingsConfigDict(
        env_prefix="SIGNAALBOT_",
        toml_file="signaalbot.toml",
        extra="ignore",
        frozen=True,
    )

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="Database URL: a SQLite file (default) or postgresql://…",
    )
    default_locale: Literal["nl", "en"] = Field(default="nl", description="Language for new users")
    timezone: str = Field(default="Europe/Amsterdam", description="Default time zone of people")
    log_format: Literal["console", "json"] = Field(
        default="console", description="console: readable; json: one JSON object per line"
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(default="info")
    municipality: str = Field(default="Gemeente", description="Name shown in messages")
    duplicate_threshold: float = Field(
        default=0.0,
        ge=0.0,
        le=100.0,
        description="Score (0-100) from which a match counts as duplicate; 0 = matcher default",
    )
    matching_semantic: bool = Field(
        default=True,
        description="Fuse a multilingual sentence encoder with the lexical score (false: lexical only)",
    )
    matching_encoder_threads: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Cores the running bot's sentence encoder uses (its queries and the vectors "
        "it makes in the background); 1 keeps a shared server's replies fast",
    )
    matching_bulk_threads: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Cores the sentence encoder uses in `signaalbot import` and "
        "`signaalbot vectors`; 0 = every core of the machine",
    )
    config_dir: Path | None = Field(
        default=None, description="Folder with your own themes.toml, lexicon.toml, … overrides"
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Folder for files the bot makes: summary charts and .ics invitations "
        "(default: $XDG_DATA_HOME/signaalbot or ~/.local/share/signaalbot)",
    )
    provider_tenants: list[str] = Field(
        default_factory=list,
        description="Teams tenant ids of providers (their guests get the provider role)",
    )
    provider_email_domains: list[str] = Field(
        default_factory=list, description='E-mail domains of providers, e.g. ["zorgaanbieder.nl"]'
    )
    # Slack
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_ack_budget_seconds: float = Field(
        default=2.0,
        gt=0,
        le=2.5,
        description="How long a modal submission's turn may take before the modal says "
        "'one moment' and the result follows by views.update (Slack waits 3 s for the ack)",
    )
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_token_keys: SecretStr | None = Field(
        default=None,
        description="Fernet keys that encrypt stored Slack tokens, comma-separated, newest first",
    )
    # Teams
    teams_app_id: str | None = None
    teams_app_password: SecretStr | None = None
    teams_tenant_id: str | None = None
    teams_app_type: Literal["MultiTenant", "SingleTenant", "UserAssignedMSI"] = "MultiTenant"
    teams_openid_metadata_url: str | None = Field(
        default=None,
        description="OpenID metadata URL for the signing keys of Bot Framework tokens "
        "(Bot Framework's BotOpenIdMetadata); default Microsoft's public cloud. For sovereign "
        "clouds and tests; https, or http on this machine only",
    )
    # Who is let in (turn/admission.py)
    guest_access: Literal["provider", "refuse"] = Field(
        default="provider",
        description="Guests and people from outside organisations: provider role, or refused",
    )
    teams_emulator: bool = Field(
        default=False,
        description="Serve /api/messages without an app id, for Microsoft 365 Agents Playground; "
        "binds 127.0.0.1 only and refuses every request that is not from this machine",
    )
    follow_up_grace_seconds: float = Field(
        default=45.0,
        ge=0,
        description="An answer the Slack adapter delivers after the ack is also kept in the "
        "outbox; a dispatcher sends it when the adapter has not delivered it after this long "
        "(the process died between storing and answering)",
    )
    # Web server
    host: str = "0.0.0.0"  # noqa: S104 - a bot must be reachable by Slack/Teams
    port: int = Field(default=3000, ge=1, le=65535)
    base_url: str | None = Field(
        default=None,
        description="Public https URL of this bot (Slack manifest, Teams package, and the "
        "/files/… calendar links in Teams messages; needed with teams_app_id)",
    )

    @model_validator(mode="before")
    @classmethod
    def _emulator_stays_on_this_machine(cls, data: Any) -> Any:
        """Emulator mode binds the loopback address; a public host would expose a bot without
        authentication, so an explicit non-loopback host is an error rather than a surprise."""
        if not isinstance(data, dict) or not _truthy(data.get("teams_emulator")):
            return data
        if data.get("teams_app_id"):
            raise ValueError(
                "teams_emulator is for trying without an app id; unset SIGNAALBOT_TEAMS_APP_ID"
            )
        host = data.get("host")
        if host is None:
            return {**data, "host": "127.0.0.1"}
        if not _is_loopback(str(host)):
            raise ValueError(
                f"teams_emulator binds 127.0.0.1 only, not {host}; unset SIGNAALBOT_HOST"
            )
        return data

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("slack_token_keys")
    @classmethod
    def _fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        from cryptography.fernet import Fernet  # only when keys are set: 5 ms for every command

        keys = [k.strip() for k in value.get_secret_value().split(",") if k.strip()]
        if not keys:
            raise ValueError("give at least one key")
        for index, key in enumerate(keys, start=1):
            try:
                Fernet(key.encode("ascii", "replace"))
            except ValueError:
                raise ValueError(
                    f"key {index} is not a Fernet key (make one: signaalbot slack new-key)"
                ) from None
        return value

    @field_validator("teams_openid_metadata_url")
    @classmethod
    def _metadata_over_https(cls, value: str | None) -> str | None:
        """The keys behind this URL decide which tokens are genuine: plain http would let anyone
        on the path hand out keys, so it is only accepted for a server on this machine."""
        if value is None:
            return None
        parts = urlsplit(value)
        local_http = parts.scheme == "http" and _is_loopback(parts.hostname or "")
        if not parts.hostname or not (parts.scheme == "https" or local_http):
            raise ValueError("use an https:// URL (http:// only for 127.0.0.1 or localhost)")
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres")):
            raise ValueError("use a sqlite:/// or postgresql:// URL")
        return value

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None or self.slack_client_id is not None

    @property
    def teams_enabled(self) -> bool:
        return self.teams_app_id is not None or self.teams_emulator

    @override
    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Order of precedence: explicit arguments, environment, then signaalbot.toml.
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return value is True or value == 1


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning a validation error into one line that names the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "_".join(str(part) for part in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        if not name:  # a rule about several settings together
            raise SettingsError(f"Invalid settings: {message}") from None
        raise SettingsError(f"Invalid setting SIGNAALBOT_{name.upper()}: {first['msg']}") from None
