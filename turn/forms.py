"""Checking a submitted form against the form's own definition, privacy guard included.

Why here and not in handlers or adapters: Slack, Teams and the console must refuse the same
input with the same words, and no free-text field may be stored without the privacy guard.
This module is the one place that decides: every input that is not a pick from a list is scanned
unless the input says it holds staff data (``Input.holds == "staff_name"``, where a colleague's
name is allowed but a BSN, address or client case number still is not). Handlers call
:func:`validate_submit` (or :func:`validate_form`); the console calls :func:`check_input` for
each answer as it is typed. Adapters never import the guard: what they echo back comes from
:func:`safe_values`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

import privacy
from kernel.core import Form, Input
from kernel.i18n import Translator
from kernel.logging import get_logger
from storage.db import DatabaseUnavailableError
from storage.uow import UnitOfWork
from turn.context import Services, TurnContext
from turn.router import MAX_TYPED_CHARS

log = get_logger("signaalbot.forms")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

_YEAR = re.compile(r"[0-9]{4}")

#: The longest masked text quoted in an error message.
MAX_QUOTED = 2000


def clean(value: str) -> str:
    """Trim whitespace and drop control characters that some clients send along."""
    return "".join(ch for ch in value if ch.isprintable() or ch in "\n\t").strip()


def cleaned(values: Mapping[str, str]) -> dict[str, str]:
    return {name: clean(value) for name, value in values.items()}


def guarded(field: Input) -> bool:
    """True for every input a person can type into (text, multi-line, date).

    Only a pick from a fixed list is not scanned; its value must be one of the options anyway.
    """
    return not (field.kind == "select" and field.options)


def allowed_kinds(field: Input) -> frozenset[str]:
    """Kinds of personal data this input may hold: a colleague's name in a staff field."""
    return privacy.STAFF_ALLOWED if field.holds == "staff_name" else frozenset()


@dataclass(frozen=True, slots=True)
class FieldCheck:
    """The verdict on one answer.

    ``offer`` is what may be shown back for editing after a privacy refusal: the masked text,
    never the original. ``kinds`` are the kinds found (for the audit trail, never the text).
    """

    error: str = ""
    offer: str = ""
    kinds: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.error


def privacy_check(field: Input, value: str, t: Translator) -> FieldCheck:
    """The privacy guard on one value, with the message that says what was found."""
    if not value or not guarded(field):
        return FieldCheck()
    findings = privacy.scan(value, allow=allowed_kinds(field))
    if not findings:
        return FieldCheck()
    kinds = tuple(dict.fromkeys(f.kind for f in findings))
    masked = privacy.mask(value, findings)
    words = ", ".join(dict.fromkeys(t(f"intake.privacy_kind.{k}") for k in kinds))
    message = t("intake.privacy_found", kinds=words, masked=masked[:MAX_QUOTED])
    return FieldCheck(error=message, offer=masked, kinds=kinds)


def check_input(field: Input, raw: str, t: Translator) -> FieldCheck:
    """Check one answer: required, a valid option, personal data, then the length limits."""
    value = clean(raw)
    if not value:
        return FieldCheck(t("core.field_required") if field.required else "")
    if field.kind == "select" and field.options:
        if value not in {o.value for o in field.options}:
            return FieldCheck(t("core.field_pick_option"))
        return FieldCheck()
    if field.kind == "date":
        return FieldCheck() if is_date(value) else FieldCheck(t("access.date_invalid"))
    if len(value) > MAX_TYPED_CHARS:
        # Longer than any field takes: refused as too long before it is scanned, so a pasted
        # megabyte costs nothing (the guard is linear, but not free).
        return FieldCheck(t("core.field_too_long", max=field.max_length, length=len(value)))
    found = privacy_check(field, value, t)
    if not found.ok:
        return found
    if len(value) < field.min_length:
        return FieldCheck(t("core.field_too_short", min=field.min_length))
    if len(value) > field.max_length:
        return FieldCheck(t("core.field_too_long", max=field.max_length, length=len(value)))
    if field.expects == "url" and not is_web_address(value):
        return FieldCheck(t("core.field_url"))
    if field.expects == "year" and not is_year(value):
        return FieldCheck(t("core.field_year"))
    return FieldCheck()


def is_web_address(value: str) -> bool:
    """A link people can open: http(s), a host with a dot, no spaces."""
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and "." in parts.netloc and " " not in value


def is_year(value: str) -> bool:
    """A year of four digits from 1900 to 2100 (a study's year, say)."""
    return bool(_YEAR.fullmatch(value)) and 1900 <= int(value) <= 2100


def is_date(value: str) -> bool:
    """A calendar date as Teams' Input.Date and Slack's datepicker send it: YYYY-MM-DD."""
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_form(form: Form, values: Mapping[str, str], t: Translator) -> dict[str, FieldCheck]:
    """The failed checks of a submitted form, by input name."""
    checks = {
        field.name: check_input(field, values.get(field.name, ""), t) for field in form.inputs
    }
    return {name: check for name, check in checks.items() if not check.ok}


def validate_form(form: Form, values: Mapping[str, str], t: Translator) -> dict[str, str]:
    """Return an error message per input name; empty when everything is fine."""
    return {name: check.error for name, check in check_form(form, values, t).items()}


async def validate_submit(
    ctx: TurnContext, form: Form, uow: UnitOfWork | None = None
) -> dict[str, str]:
    """:func:`validate_form` on the submitted values; a privacy refusal is audited (field names
    and kinds only, never the text).

    A handler that validates inside its own unit of work passes it: the audit entry is then
    written and committed there (a second transaction would wait on the first's write lock).
    """
    values = getattr(ctx.event, "values", {})
    failed = check_form(form, values, ctx.t)
    refused = {name: check.kinds for name, check in failed.items() if check.kinds}
    if refused and uow is not None:
        await record_refusal(uow, ctx.actor.person_id, form.form_id, refused, ctx.now())
        await uow.commit()
    elif refused:
        await audit_refusal(ctx.services, ctx.actor.person_id, form.form_id, refused)
    return {name: check.error for name, check in failed.items()}


def text_errors(
    t: Translator, values: Mapping[str, str], names: Iterable[str] | None = None
) -> dict[str, str]:
    """The privacy guard on free text that did not come through a form (a command argument):
    one error per value that holds personal data, as for a client-text input."""
    errors: dict[str, str] = {}
    for name in names if names is not None else values:
        check = privacy_check(Input(name=name, label=name), clean(values.get(name, "")), t)
        if not check.ok:
            errors[name] = check.error
    return errors


async def record_refusal(
    uow: UnitOfWork,
    actor_id: int | None,
    form_id: str,
    refused: Mapping[str, Iterable[str]],
    now: datetime,
) -> None:
    await uow.audit.record(
        actor_id=actor_id,
        action="privacy.refused",
        entity="form",
        entity_id=form_id[:100],
        now=now,
        details={
            "fields": sorted(refused),
            "kinds": sorted({k for kinds in refused.values() for k in kinds}),
        },
    )


async def audit_refusal(
    services: Services, actor_id: int | None, form_id: str, refused: Mapping[str, Iterable[str]]
) -> None:
    """Record that personal data was refused; a database outage does not hide the refusal."""
    try:
        async with services.uow() as uow:
            await record_refusal(uow, actor_id, form_id, refused, services.clock.now())
            await uow.commit()
    except DatabaseUnavailableError:
        log.warning("privacy_refusal_not_audited", form=form_id)


async def audit_refusal_for(
    services: Services,
    platform: str,
    user_id: str,
    form_id: str,
    refused: Mapping[str, Iterable[str]],
) -> None:
    """:func:`audit_refusal` for a refusal an adapter made while the form was being filled in
    (the console checks each answer as it is typed)."""
    try:
        async with services.uow() as uow:
            person = await uow.people.find_by_identity(platform, user_id)
            actor_id = person.id if person is not None else None
            await record_refusal(uow, actor_id, form_id, refused, services.clock.now())
            await uow.commit()
    except DatabaseUnavailableError:
        log.warning("privacy_refusal_not_audited", form=form_id)


def safe_text(text: str) -> str:
    """``text`` with all personal data masked: for a form prefilled from a message, and for
    anything echoed back or kept as a draft."""
    return privacy.mask_text(text) if text else text


def safe_values(values: Mapping[str, str]) -> dict[str, str]:
    """Every value masked (:func:`safe_text`): what a refused form shows again and what a
    draft may keep."""
    return {name: safe_text(str(value)) for name, value in values.items()}
