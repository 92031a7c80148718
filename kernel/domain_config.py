"""Reference data from ``config/``: themes, sub-domains, areas and learning-cycle stages.

Why files: a municipality changes these lists without a programmer. Shipped defaults live in
the ``config`` package; a file of the same name in ``SIGNAALBOT_CONFIG_DIR`` replaces one.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Theme:
    key: str
    kind: str  # theme | subdomain
    name_nl: str
    name_en: str
    position: int = 0
    active: bool = True

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_nl


class ConfigFileError(Exception):
    """A data file in config/ is malformed; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Area:
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class Stage:
    number: int
    key: str
    name_nl: str
    name_en: str
    output_nl: str
    output_en: str
    days: int

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_nl

    def output(self, locale: str) -> str:
        return self.output_en if locale == "en" else self.output_nl


@dataclass(frozen=True, slots=True)
class DomainConfig:
    themes: tuple[Theme, ...]
    subdomains: tuple[Theme, ...]
    areas: tuple[Area, ...]
    stages: tuple[Stage, ...]

    def theme_name(self, key: str | None, locale: str) -> str:
        for theme in (*self.themes, *self.subdomains):
            if theme.key == key:
                return theme.name(locale)
        return key or "-"


def read_config_file(name: str, override_dir: Path | None = None) -> dict[str, Any]:
    """Read ``name`` from the override folder when it is there, else the shipped default."""
    if override_dir is not None and (override_dir / name).is_file():
        source = override_dir / name
        text = source.read_text(encoding="utf-8")
    else:
        source_res = resources.files("config") / name
        text = source_res.read_text(encoding="utf-8")
        source = Path(str(source_res))
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(f"{source}: {exc}") from None


def load_domain_config(override_dir: Path | None = None) -> DomainConfig:
    themes_data = read_config_file("themes.toml", override_dir)
    areas_data = read_config_file("areas.toml", override_dir)
    cycle_data = read_config_file("cycle.toml", override_dir)
    try:
        themes = tuple(
            Theme(key=t["key"], kind="theme", name_nl=t["nl"], name_en=t["en"], position=i)
            for i, t in enumerate(themes_data.get("theme", []))
        )
        subdomains = tuple(
            Theme(key=t["key"], kind="subdomain", name_nl=t["nl"], name_en=t["en"], position=i)
            for i, t in enumerate(themes_data.get("subdomain", []))
        )
        areas = tuple(Area(key=a["key"], name=a["name"]) for a in areas_data.get("areas", []))
        stages = tuple(
            Stage(
                number=int(s["number"]),
                key=s["key"],
                name_nl=s["nl"],
                name_en=s["en"],
                output_nl=s["output_nl"],
                output_en=s["output_en"],
                days=int(s["days"]),
            )
            for s in cycle_data.get("stage", [])
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigFileError(f"config file is missing or has a wrong field: {exc}") from None
    if [s.number for s in stages] != [1, 2, 3, 4]:
        raise ConfigFileError("cycle.toml must define the stages 1, 2, 3 and 4 in order")
    return DomainConfig(themes=themes, subdomains=subdomains, areas=areas, stages=stages)
