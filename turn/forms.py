"""Checking a submitted form against the form's own definition.

Why here and not in adapters: Slack, Teams and the console must refuse the same input with the
same words; adapters only show the messages next to the fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from kernel.core import Form
from kernel.i18n import Translator

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def clean(value: str) -> str:
    """Trim whitespace and drop control characters that some clients send along."""
    return "".join(ch for ch in value if ch.isprintable() or ch in "\n\t").strip()


def validate_form(form: Form, values: Mapping[str, str], t: Translator) -> dict[str, str]:
    """Return an error message per input name; empty when everything is fine."""
    errors: dict[str, str] = {}
    for field in form.inputs:
        value = clean(values.get(field.name, ""))
        if not value:
            if field.required:
                errors[field.name] = t("core.field_required")
            continue
        if field.kind == "select" and field.options:
            if value not in {o.value for o in field.options}:
                errors[field.name] = t("core.field_pick_option")
            continue
        if field.kind == "date":
            if not is_date(value):
                errors[field.name] = t("access.date_invalid")
            continue
        if len(value) < field.min_length:
            errors[field.name] = t("core.field_too_short", min=field.min_length)
        elif len(value) > field.max_length:
            errors[field.name] = t("core.field_too_long", max=field.max_length, length=len(value))
    return errors


def is_date(value: str) -> bool:
    """A calendar date as Teams' Input.Date and Slack's datepicker send it: YYYY-MM-DD."""
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def cleaned(values: Mapping[str, str]) -> dict[str, str]:
    return {name: clean(value) for name, value in values.items()}
