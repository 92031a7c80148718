"""Check generated app manifests against the platforms' own published JSON schemas.

Why: a Teams package with a non-GUID id or a Slack manifest with a misspelt key is refused by
the admin center or Slack's app settings long after ``signaalbot manifest`` said "written". The
schemas are shipped as data files (``config/schemas/``, copied unchanged from Microsoft's
``json-schemas`` repository, teams v1.17, and Slack's ``manifest-schema`` repository, schema
1.0.0 for classic apps), so the check works offline and is the same in the command and in tests.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any, Literal

from jsonschema import Draft4Validator, Draft7Validator, FormatChecker
from jsonschema.protocols import Validator

Kind = Literal["teams", "teams-localization", "slack"]

SCHEMA_FILES: dict[Kind, str] = {
    "teams": "teams-manifest-1.17.schema.json",
    "teams-localization": "teams-localization-1.17.schema.json",
    "slack": "slack-manifest-1.0.0.schema.json",
}
_VALIDATORS: dict[Kind, type[Validator]] = {
    "teams": Draft4Validator,
    "teams-localization": Draft4Validator,
    "slack": Draft7Validator,
}
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def schema(kind: Kind) -> dict[str, Any]:
    text = (resources.files("config") / "schemas" / SCHEMA_FILES[kind]).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator(kind: Kind) -> Validator:
    cls = _VALIDATORS[kind]
    return cls(schema(kind), format_checker=FormatChecker())


def problems(kind: Kind, document: dict[str, Any]) -> list[str]:
    """Every way ``document`` breaks the schema, as ``path: message`` lines (empty: valid)."""
    errors = sorted(_validator(kind).iter_errors(document), key=lambda e: list(e.absolute_path))
    lines = []
    for error in errors:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        lines.append(f"{where}: {error.message[:300]}")
    return lines


def is_guid(value: str) -> bool:
    return GUID.fullmatch(value) is not None
