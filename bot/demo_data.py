"""The demo's data: who takes part and which studies, from ``config/demo.toml`` and the catalogue."""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from cycle.session_ports import SessionToolkit, default_toolkit

STUDIES_ENDING = (4, 20)  # weeks in which a running study ends and its learning cycle starts
LATE_OWNER = "pia"  # lets a stage run late, so the programme leader is told and reminds her


@dataclass(frozen=True, slots=True)
class DemoParts:
    """The session toolkit (calendar, series, invitations, chart directory) the demo uses."""

    toolkit: SessionToolkit


def load_demo_data(override_dir: Path | None = None) -> dict[str, Any]:
    if override_dir is not None and (override_dir / "demo.toml").is_file():
        return tomllib.loads((override_dir / "demo.toml").read_text(encoding="utf-8"))
    return tomllib.loads((resources.files("config") / "demo.toml").read_text(encoding="utf-8"))


def demo_catalogue(override_dir: Path | None = None) -> list[dict[str, str]]:
    """The studies of ``config/studies.csv`` when present, else a few built-in ones."""
    source = resources.files("config") / "studies.csv"
    if override_dir is not None and (override_dir / "studies.csv").is_file():
        text = (override_dir / "studies.csv").read_text(encoding="utf-8")
    elif source.is_file():
        text = source.read_text(encoding="utf-8")
    else:
        return list(FALLBACK_STUDIES)
    return [dict(row) for row in csv.DictReader(io.StringIO(text)) if row.get("ref")]


FALLBACK_STUDIES = (
    {"ref": "demo-schulden", "title": "Vroegsignalering schulden bij jonge gezinnen"},
    {"ref": "demo-jeugd", "title": "Wachttijden specialistische jeugdhulp"},
    {"ref": "demo-wmo", "title": "Ervaringen met de eigen bijdrage Wmo"},
)


def default_parts(out_dir: Path, override_dir: Path | None = None) -> DemoParts:
    return DemoParts(toolkit=default_toolkit(override_dir, out_dir))
