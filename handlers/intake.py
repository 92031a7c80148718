"""Shared pieces of the intake: the privacy guard in the flow, markup clean-up, references,
visibility rules, reference lists and the status notifications.

Why one module: signals, support, questions and triage must refuse personal data with the same
words, hide the same items from guests and tell followers the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kernel.core import Command, Reply, Role, Text
from kernel.domain_config import Area, Theme
from kernel.i18n import Translator
from privacy import guard as privacy
from storage.domain import Signal
from storage.uow import UnitOfWork
from turn import visibility
from turn.context import TurnContext
from turn.router import MAX_TYPED_CHARS

WHOLE_MUNICIPALITY = "hele-gemeente"
QUESTION_REF = re.compile(r"^V-\d{4}-\d{1,12}$", re.IGNORECASE)
# Every ``[^…]`` run also stops at ``<``: markup cannot nest, and without it each ``<`` of a
# text like "<!here|<!here|…" scanned to the end (quadratic). Now each scan ends at the next ``<``.
_SLACK_SPECIAL = re.compile(r"<!(channel|here|everyone)(\|[^<>]*)?>|<!subteam\^[^<>]*>")
_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|<>]+)\|([^<>]+)>")
_SLACK_USER = re.compile(r"<[@#][A-Z0-9]+(\|([^<>]+))?>")
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
STAFF = (Role.PROFESSIONAL, Role.POLICY_OFFICER, Role.RESEARCH_DESK, Role.PROGRAMME_LEADER)
DESK = (Role.RESEARCH_DESK,)
OVERSEERS = (Role.RESEARCH_DESK, Role.PROGRAMME_LEADER)


# --- text hygiene ---------------------------------------------------------------------------


def neutralise(text: str) -> tuple[str, bool]:
    """Remove Slack mentions (``<!channel>``) and HTML tags so a stored text never pings or
    renders when it is shown to others. Returns the text and whether anything changed."""
    out = _SLACK_SPECIAL.sub(lambda m: "@" + m.group(1) if m.group(1) else "", text)
    out = _SLACK_LINK.sub(lambda m: m.group(2), out)
    out = _SLACK_USER.sub(lambda m: m.group(2) or "", out)
    out = _HTML_TAG.sub("", out)
    out = out.replace("<", "‹").replace(">", "›")
    out = re.sub(r"[ \t]{2,}", " ", out).strip()
    return out, out != text.strip()


def privacy_errors(
    t: Translator, values: Mapping[str, str], names: Iterable[str]
) -> dict[str, str]:
    """One error per field that holds personal data: what was found, and the text masked.

    The masked text is shown so the person can rewrite without typing everything again; the
    original never reaches storage, logs or the audit trail.
    """
    errors: dict[str, str] = {}
    for name in names:
        text = values.get(name, "")
        if len(text) > MAX_TYPED_CHARS:
            # Longer than any field takes: refused as too long without scanning, so a pasted
            # megabyte costs nothing (the guard is linear, but not free).
            errors[name] = t("core.field_too_long", max=MAX_TYPED_CHARS, length=len(text))
            continue
        findings = privacy.scan(text) if text else []
        if not findings:
            continue
        kinds = ", ".join(dict.fromkeys(t(f"intake.privacy_kind.{f.kind}") for f in findings))
        errors[name] = t(
            "intake.privacy_found", kinds=kinds, masked=privacy.mask(text, findings)[:2000]
        )
    return errors


def first_word(ctx: TurnContext) -> str:
    text = ctx.event.text if isinstance(ctx.event, Command) else getattr(ctx.event, "value", "")
    words = str(text).split()
    return words[0].strip(".,;:") if words else ""


def words(ctx: TurnContext) -> list[str]:
    text = ctx.event.text if isinstance(ctx.event, Command) else getattr(ctx.event, "value", "")
    return [w.strip(",;") for w in str(text).split()]


def short(value: str, limit: int = 40) -> str:
    """A safe echo of something the person typed (for 'not found' messages)."""
    cleaned, _ = neutralise(value)
    return cleaned[:limit] or "-"


# --- visibility ----------------------------------------------------------------------------


def may_see(ctx: TurnContext, signal: Signal, supporter: bool = False) -> bool:
    """The one visibility rule (:mod:`turn.visibility`) for the person of this turn."""
    return visibility.may_see(visibility.Viewer.of_actor(ctx.actor), signal, supporter=supporter)


async def load_visible_signal(ctx: TurnContext, uow: UnitOfWork, ref: str) -> Signal | None:
    """The signal with ``ref`` when this person may see it; otherwise a kind 'not found'."""
    signal = await uow.signals.get_by_ref(ref) if ref else None
    if signal is not None and not await visibility.can_see(
        uow, visibility.Viewer.of_actor(ctx.actor), signal
    ):
        signal = None
    if signal is None:
        if not ref:
            await ctx.say("intake.ref_missing")
        else:
            await ctx.say("intake.signal_not_found", ref=short(ref))
    return signal


# --- reference lists -----------------------------------------------------------------------


async def themes(uow: UnitOfWork, ctx: TurnContext, kind: str) -> list[Theme]:
    """Themes from the database (admins edit them there), the config as a fallback."""
    found = await uow.themes.find(kind)
    if found:
        return found
    domain = ctx.services.domain
    return list(domain.themes if kind == "theme" else domain.subdomains)


async def areas(uow: UnitOfWork, ctx: TurnContext) -> list[Area]:
    """Areas from config/areas.toml plus what admins added or switched off."""
    result = {a.key: a for a in ctx.services.domain.areas}
    for override in await uow.intake.area_overrides():
        if override.active:
            result[override.key] = Area(key=override.key, name=override.name)
        else:
            result.pop(override.key, None)
    return list(result.values())


async def area_name(uow: UnitOfWork, ctx: TurnContext, key: str) -> str:
    if key == WHOLE_MUNICIPALITY:
        return ctx.t("signals.area_whole")
    for area in await areas(uow, ctx):
        if area.key == key:
            return area.name
    return key or "-"


# --- notifications -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Notice:
    """A message to followers; each gets it rendered in their own language."""

    key: str
    params: Mapping[str, str]
    reason: str = ""


async def notify_followers(
    ctx: TurnContext,
    uow: UnitOfWork,
    signal: Signal,
    notice: Notice,
    *,
    event_key: str,
    skip: Iterable[int] = (),
) -> int:
    """Queue a message for the reporter and every supporter, in THEIR language.

    The outbox dispatcher (cycle) sends it; the key makes a retried turn a no-op.
    """
    skipped = set(skip)
    queued = 0
    for person_id in await uow.intake.followers(signal.id):
        if person_id in skipped:
            continue
        person = await uow.people.get(person_id)
        if person is None or person.erased:
            continue
        t = ctx.services.translator(person.locale, person.timezone)
        params = {k: (t(v[2:]) if v.startswith("t:") else v) for k, v in notice.params.items()}
        blocks = [Text(text=t(notice.key, **params))]
        if notice.reason:
            blocks.append(Text(text=t("intake.notice_reason", reason=notice.reason)))
        blocks.append(Text(text=t("intake.notice_follow", ref=signal.ref), style="muted"))
        added = await uow.outbox.enqueue(
            key=f"{event_key}:{person_id}"[:200],
            person_id=person_id,
            payload=Reply(blocks=tuple(blocks)).model_dump(mode="json"),
            now=ctx.now(),
            office_hours_only=False,  # a notice about their own report: at once
        )
        queued += int(added)
    return queued


def status_label(t: Translator, status: str) -> str:
    return t(f"signals.status.{status}")
