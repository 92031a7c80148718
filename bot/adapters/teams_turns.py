"""One Teams turn: who is talking (with what Teams says for the tenant gate), the person's
language, and the one call into the bot that also keeps where to reach them.

Why apart from the activity handler: messages, invokes and installation updates all start the
same way, and the invokes live in their own module (:mod:`bot.adapters.teams_invokes`).
"""

from __future__ import annotations

from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity

from bot.adapters.language import person_translator
from bot.adapters.teams_memory import PLATFORM
from bot.adapters.teams_messenger import is_personal, reference_data, tenant_of
from kernel.core import Action, Command, Identity, Message, Platform, Reply, Submit
from kernel.i18n import Translator
from kernel.logging import get_logger
from kernel.recent import Recent
from storage.db import DatabaseUnavailableError
from turn.pipeline import Signaalbot

log = get_logger("signaalbot.teams")

Event = Command | Message | Action | Submit
RECENT_ACTIVITIES = 1024  # activities whose language is kept (a turn needs it for seconds)


def user_id_of(activity: Activity) -> str:
    """Our id of the sender: tenant and Entra object id (the Teams id for guests without)."""
    sender = activity.from_property
    aad = getattr(sender, "aad_object_id", None) or sender.id
    return f"{tenant_of(activity)}:{aad}"


def email_domain(email: str | None, upn: str | None) -> str | None:
    """The organisation's domain of a person; guests' UPNs look like ``jan_zorg.nl#EXT#@…``."""
    for candidate in (email, upn):
        if not candidate or "@" not in candidate:
            continue
        local, _, domain = candidate.rpartition("@")
        if "#EXT#" in local.upper():
            original = local[: local.upper().index("#EXT#")]
            if "_" in original:
                return original.rpartition("_")[2].lower() or None
            continue
        return domain.lower() or None
    return None


class TeamsTurns:
    """Identity, language and the call into the bot; one per adapter.

    What it remembers is a cache only (recent activities' languages), so two instances, or a
    restart, behave the same.
    """

    def __init__(self, bot: Signaalbot) -> None:
        self.bot = bot
        # The translator of each recent activity, so its replies need no read of the person.
        self._languages: Recent[str, Translator] = Recent(RECENT_ACTIVITIES)

    async def translator(self, activity: Activity) -> Translator:
        """The person's chosen language (``taal en``); the client's locale until they choose."""
        known = self._languages.get(activity.id or "")
        if known is not None:
            return known
        t = await person_translator(self.bot, PLATFORM, user_id_of(activity), activity.locale)
        self._remember(activity, t)
        return t

    def _remember(self, activity: Activity, t: Translator) -> None:
        if not activity.id:
            return
        self._languages.put(activity.id, t)

    async def identity(self, context: TurnContext) -> Identity:
        """Who is talking, with what Teams says about them for the tenant gate.

        The profile (e-mail domain, guest role) is asked from Teams here for anyone from
        another tenant: a provider let in by e-mail domain must be recognised on every turn,
        not only the first. For a new person of our own tenant the bot asks for it
        (:meth:`handle` passes :meth:`with_profile`), once its first read found nobody.
        """
        activity = context.activity
        sender = activity.from_property
        identity = Identity(
            platform=Platform.TEAMS,
            user_id=user_id_of(activity),
            display_name=(sender.name or "")[:200],
            locale=activity.locale,
            tenant=tenant_of(activity) or None,
        )
        if self._other_tenant(identity):
            return await self.with_profile(context, identity)
        return identity

    def _other_tenant(self, identity: Identity) -> bool:
        own = (self.bot.settings.teams_tenant_id or "").lower()
        return bool(own) and (identity.tenant or "").lower() != own

    async def with_profile(self, context: TurnContext, identity: Identity) -> Identity:
        """``identity`` with what Teams says of the person (tenant, e-mail domain, guest)."""
        member_tenant, domain, guest = await self._profile(
            context, context.activity.from_property.id
        )
        return identity.model_copy(
            update={
                "tenant": identity.tenant or member_tenant,
                "email_domain": domain,
                "guest": guest,
            }
        )

    async def _profile(
        self, context: TurnContext, member_id: str
    ) -> tuple[str | None, str | None, bool | None]:
        """Home tenant, e-mail domain and guest flag of a person (None: Teams did not say)."""
        try:
            member = await TeamsInfo.get_member(context, member_id)
        except Exception as exc:  # the profile is a nicety; never fail a turn on it
            log.info("teams_member_lookup_failed", error=type(exc).__name__)
            return None, None, None
        role = str(getattr(member, "user_role", None) or "").lower()
        return (
            getattr(member, "tenant_id", None),
            email_domain(
                getattr(member, "email", None), getattr(member, "user_principal_name", None)
            ),
            role in ("guest", "anonymous") if role else None,
        )

    async def handle(self, context: TurnContext, identity: Identity, event: Event) -> list[Reply]:
        """One call into the bot; the conversation reference is saved on the way."""
        activity = context.activity
        reference = reference_data(activity)
        personal = is_personal(activity)
        result = await self.bot.handle_turn(
            identity,
            event,
            conversation_ref=reference if personal else None,
            # Someone from another tenant was asked about already, in ``identity``.
            complete_identity=None
            if self._other_tenant(identity)
            else (lambda known: self.with_profile(context, known)),
        )
        self._remember(activity, result.t)  # after ``taal en`` the replies speak the new one
        replies = result.replies
        if not personal:
            await self.keep_reference(identity, reference, only_if_missing=True)
        return replies

    async def keep_reference(
        self, identity: Identity, reference: dict[str, Any], *, only_if_missing: bool
    ) -> None:
        """Save where to reach a known person; a channel never replaces their personal chat."""
        try:
            async with self.bot.services.uow() as uow:
                person = await uow.people.find_by_identity(PLATFORM, identity.user_id)
                stored = person.identity(PLATFORM) if person else None
                if stored is None or (only_if_missing and stored.conversation_ref):
                    return
                await uow.people.touch(
                    PLATFORM, identity.user_id, self.bot.services.clock.now(), reference
                )
                await uow.commit()
        except DatabaseUnavailableError:
            log.warning("teams_reference_not_saved")

    async def mark_unreachable(self, identity: Identity) -> None:
        """The app was removed from the personal chat: the outbox stops trying there."""
        try:
            async with self.bot.services.uow() as uow:
                await uow.people.mark_unreachable(
                    PLATFORM, identity.user_id, self.bot.services.clock.now()
                )
                await uow.commit()
        except DatabaseUnavailableError:
            log.warning("teams_unreachable_not_saved")
