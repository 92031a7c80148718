"""What people see: "mijn signalen", "status S-…"/"status V-…", and the overview for the
research desk and programme leader (filters: theme, status, period, organisation type; paged).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from handlers.intake import (
    OVERSEERS,
    QUESTION_REF,
    STAFF,
    area_name,
    load_visible_signal,
    short,
    status_label,
    themes,
    words,
)
from handlers.lookup import Named, find, listing
from handlers.support import support_button, support_summary
from handlers.weighing import summary_lines
from kernel.core import Button, Buttons, FieldItem, Fields, OrgType, Reply, Role, Text
from storage.domain import SIGNAL_STATUSES, Signal
from storage.repositories.signals import SignalFilter
from storage.uow import UnitOfWork
from turn.context import TurnContext
from turn.router import Router

PAGE_SIZE = 10
# What a period or page can be; anything beyond is answered as "does not exist", never an error.
MAX_DAYS = 36_500
MAX_PAGE = 100_000
MIN_YEAR, MAX_YEAR = 1900, 2999


class FilterRangeError(ValueError):
    """A period or page that cannot exist: the catalogue key and what to show."""

    def __init__(self, key: str, value: str, maximum: int) -> None:
        super().__init__(key)
        self.key, self.value, self.maximum = key, value, maximum


ORG_TYPES = tuple(o.value for o in OrgType)
_FILTER = re.compile(
    r"^(thema|theme|status|periode|period|org|organisatie|pagina|page|offset)=(\S+)$"
)
_ALIASES = {"theme": "thema", "period": "periode", "organisatie": "org", "page": "pagina"}


async def my_signals(ctx: TurnContext) -> None:
    t = ctx.t
    async with ctx.uow() as uow:
        mine = await uow.signals.find(
            SignalFilter(reporter_id=ctx.actor.person_id, include_merged=True), limit=20
        )
        supported = await uow.intake.supported_by(ctx.actor.person_id)
        shared = await uow.intake.shared_signals() if not ctx.actor.has(*STAFF) else []
    if not (mine or supported or shared):
        await ctx.say("signals.mine_empty")
        return
    blocks: list[Any] = [Text(text=t("signals.mine_title"), style="header")]

    def line(s: Signal) -> str:
        return t(
            "signals.mine_line",
            ref=s.ref,
            status=status_label(t, s.status),
            date=t.date(s.created_at.date()),
        )

    blocks.append(Text(text="\n".join(line(s) for s in mine) or t("intake.mine_none_own")))
    if supported:
        blocks.append(Text(text=t("intake.mine_supported"), style="header"))
        blocks.append(Text(text="\n".join(line(s) for s in supported)))
    # A shared signal you already recognise is listed once, under what you recognise.
    listed = {s.id for s in supported}
    shared = [s for s in shared if s.id not in listed]
    if shared:
        blocks.append(Text(text=t("intake.mine_shared"), style="header"))
        blocks.append(Text(text="\n".join(line(s) for s in shared)))
    blocks.append(Text(text=t("intake.mine_hint"), style="muted"))
    await ctx.reply(Reply(blocks=tuple(blocks)))


async def status(ctx: TurnContext) -> None:
    args = words(ctx)
    ref = args[0] if args else ""
    if QUESTION_REF.match(ref) or ref.upper().startswith("V-"):
        await question_status(ctx, ref)
        return
    t = ctx.t
    async with ctx.uow() as uow:
        signal = await load_visible_signal(ctx, uow, ref)
        if signal is None:
            return
        counts = await uow.intake.support_org_types(signal.id)
        questions = await uow.intake.questions_for_signal(signal.id)
        survivor = await uow.signals.get(signal.merged_into_id) if signal.merged_into_id else None
        where = await area_name(uow, ctx, signal.area)
    items = [
        FieldItem(label=t("signals.field_status"), value=status_label(t, signal.status)),
        FieldItem(
            label=t("signals.field_theme"),
            value=ctx.services.domain.theme_name(
                signal.theme_key or signal.subdomain_key, ctx.actor.locale
            ),
        ),
        FieldItem(label=t("signals.field_area"), value=where),
        FieldItem(label=t("signals.field_reported"), value=t.date(signal.created_at.date())),
        FieldItem(label=t("intake.field_support"), value=support_summary(t, counts)),
    ]
    if signal.status_reason:
        items.append(FieldItem(label=t("signals.field_reason"), value=signal.status_reason))
    if questions:
        items.append(FieldItem(label=t("intake.field_questions"), value=", ".join(questions)))
    if survivor is not None:
        items.append(FieldItem(label=t("intake.field_merged_into"), value=survivor.ref))
    blocks: list[Any] = [
        Text(text=t("signals.status_title", ref=signal.ref), style="header"),
        Text(text=signal.text),
        Fields(items=tuple(items)),
    ]
    if signal.merged_into_id is None and signal.reporter_id != ctx.actor.person_id:
        blocks.append(support_button(t, signal.ref))
    await ctx.reply(Reply(blocks=tuple(blocks)))


async def question_status(ctx: TurnContext, ref: str) -> None:
    t = ctx.t
    async with ctx.uow() as uow:
        question = await uow.questions.get_by_ref(ref)
    visible = question is not None and (
        ctx.actor.has(Role.POLICY_OFFICER, *OVERSEERS, Role.PROFESSIONAL)
        or question.requester_id == ctx.actor.person_id
    )
    if question is None or not visible:
        await ctx.say("intake.question_not_found", ref=short(ref))
        return
    items = [
        FieldItem(
            label=t("signals.field_status"), value=t(f"intake.question_status.{question.status}")
        ),
        *summary_lines(t, question),
    ]
    if question.recommendation_reason:
        items.append(
            FieldItem(label=t("signals.field_reason"), value=question.recommendation_reason)
        )
    await ctx.reply(
        Reply(
            blocks=(
                Text(text=t("intake.question_card_title", ref=question.ref), style="header"),
                Text(text=question.question),
                Fields(items=tuple(items)),
            )
        )
    )


def parse_filters(text: str, now: datetime) -> tuple[SignalFilter, int, list[str]]:
    """``thema=jeugd status=nieuw periode=30 org=provider pagina=2`` → filter, offset, errors."""
    values: dict[str, str] = {}
    bad: list[str] = []
    for word in text.split():
        match = _FILTER.match(word.lower())
        if match is None:
            bad.append(word)
            continue
        values[_ALIASES.get(match.group(1), match.group(1))] = match.group(2)
    since = until = None
    period = values.get("periode", "")
    if period.isdigit() and not 1 <= int(period) <= MAX_DAYS:
        raise FilterRangeError("access.bad_period", short(period), MAX_DAYS)
    if period.isdigit():
        since = now - timedelta(days=int(period))
    elif re.fullmatch(r"\d{4}-\d{2}", period):
        year, month = int(period[:4]), int(period[5:])
        if 1 <= month <= 12 and MIN_YEAR <= year <= MAX_YEAR:
            since = datetime(year, month, 1, tzinfo=UTC)
            until = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
        else:
            bad.append(period)
    elif period:
        bad.append(period)
    for name in ("pagina", "offset"):
        number = values.get(name, "")
        limit = MAX_PAGE if name == "pagina" else MAX_PAGE * PAGE_SIZE
        if number.isdigit() and int(number) > limit:
            raise FilterRangeError("access.bad_page", short(number), MAX_PAGE)
    offset = 0
    if values.get("offset", "").isdigit():
        offset = int(values["offset"])
    elif values.get("pagina", "").isdigit():
        offset = max(int(values["pagina"]) - 1, 0) * PAGE_SIZE
    return (
        SignalFilter(
            theme_key=values.get("thema"),
            status=values.get("status"),
            org_type=values.get("org"),
            since=since,
            until=until,
        ),
        offset,
        bad,
    )


async def filter_choices(ctx: TurnContext, uow: UnitOfWork) -> dict[str, list[Named]]:
    """What each filter accepts: keys and names in both languages, labelled in the person's."""
    locale = ctx.t.locale
    catalogue = {lang: ctx.services.translator(lang) for lang in ("nl", "en")}

    def named(key: str, catalogue_key: str) -> Named:
        names = (key, *(t(catalogue_key) for t in catalogue.values()))
        return Named(key=key, names=names, label=ctx.t(catalogue_key))

    themes_found = [*await themes(uow, ctx, "theme"), *await themes(uow, ctx, "subdomain")]
    return {
        "thema": [
            Named(key=th.key, names=(th.key, th.name_nl, th.name_en), label=th.name(locale))
            for th in themes_found
        ],
        "status": [named(s, f"signals.status.{s}") for s in SIGNAL_STATUSES],
        "org": [named(o, f"signals.org_type.{o}") for o in ORG_TYPES],
    }


async def resolve_filters(
    ctx: TurnContext, uow: UnitOfWork, filters: SignalFilter
) -> tuple[SignalFilter, list[str]]:
    """The filter with every typed value turned into its key, or kind words on what fits."""
    choices = await filter_choices(ctx, uow)
    typed = {"thema": filters.theme_key, "status": filters.status, "org": filters.org_type}
    keys: dict[str, str | None] = {}
    problems: list[str] = []
    for field_name, value in typed.items():
        if not value:
            keys[field_name] = None
            continue
        found = find(value, choices[field_name])
        keys[field_name] = found.key
        if found.key is not None:
            continue
        field_label = ctx.t(f"intake.filter.field_{field_name}")
        if found.candidates:
            problems.append(
                ctx.t(
                    "intake.filter.ambiguous",
                    field=field_label,
                    value=short(value),
                    choices=listing(found.candidates),
                )
            )
        else:
            problems.append(
                ctx.t(
                    "intake.filter.unknown",
                    field=field_label,
                    value=short(value),
                    choices=listing(choices[field_name]),
                )
            )
    resolved = replace(filters, theme_key=keys["thema"], status=keys["status"])
    return replace(resolved, org_type=keys["org"]), problems


def _filter_text(f: SignalFilter, raw: str) -> str:
    kept = [w for w in raw.split() if not w.lower().startswith(("offset=", "pagina=", "page="))]
    return " ".join(kept)


def _empty_key(filters: SignalFilter, total: int) -> str:
    """Why the page is empty: no signals at all yet, past the last page, or the filters."""
    if total:
        return "intake.overview_past_end"
    return "intake.overview_none_yet" if filters == SignalFilter() else "intake.overview_empty"


async def overview(ctx: TurnContext) -> None:
    """``overzicht [thema=…] [status=…] [periode=30|2026-11] [org=…]``: 10 per page."""
    raw = " ".join(words(ctx))
    try:
        filters, offset, bad = parse_filters(raw, ctx.now())
    except FilterRangeError as exc:
        await ctx.say(exc.key, value=exc.value, max=exc.maximum)
        return
    t = ctx.t
    if bad:
        await ctx.say("intake.overview_bad_filter", words=short(" ".join(bad)))
        return
    async with ctx.uow() as uow:
        filters, problems = await resolve_filters(ctx, uow, filters)
        if problems:
            await ctx.reply(Reply(blocks=tuple(Text(text=p) for p in problems)))
            return
        signals, total = await uow.intake.overview(filters, offset=offset, limit=PAGE_SIZE)
        counts = await uow.signals.support_counts([s.id for s in signals])
    if not signals:
        await ctx.say(_empty_key(filters, total), count=total)
        return
    lines = [
        t(
            "intake.overview_line",
            ref=s.ref,
            status=status_label(t, s.status),
            theme=ctx.services.domain.theme_name(s.theme_key or s.subdomain_key, ctx.actor.locale),
            org=t(f"signals.org_type.{s.org_type or 'other'}"),
            support=counts.get(s.id, 0),
            text=s.text[:60],
        )
        for s in signals
    ]
    blocks: list[Any] = [
        Text(
            text=t(
                "intake.overview_title",
                first=offset + 1,
                last=offset + len(signals),
                total=total,
            ),
            style="header",
        ),
        Text(text="\n".join(lines)),
    ]
    if offset + len(signals) < total:
        value = f"{_filter_text(filters, raw)} offset={offset + PAGE_SIZE}".strip()
        blocks.append(
            Buttons(
                buttons=(Button(label=t("core.next_page"), action_id="overview.next", value=value),)
            )
        )
    await ctx.reply(Reply(blocks=tuple(blocks)))


def register(router: Router) -> None:
    router.command("mine")(my_signals)
    router.command("status")(status)
    router.command("overview", roles=OVERSEERS)(overview)
    router.action("overview.next", roles=OVERSEERS)(overview)
