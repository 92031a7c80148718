"""Who is let in: the tenant and workspace gate, decided once per turn from what the platform says.

Why a pure function: the rule is the security boundary of the bot, so it must be readable in one
place and tested case by case without a platform or a database. The adapters only report what
the platform tells them (the tenant or workspace, the e-mail domain, guest and Slack Connect
flags); person resolution asks :func:`decide` before anything about the person is stored.

The rule:
* a listed provider (``SIGNAALBOT_PROVIDER_TENANTS`` holds Teams tenant ids and Slack team ids,
  ``SIGNAALBOT_PROVIDER_EMAIL_DOMAINS`` e-mail domains) is let in with the provider role;
* Teams: people of our tenant (``SIGNAALBOT_TEAMS_TENANT_ID``) are staff; guests in our tenant
  follow ``SIGNAALBOT_GUEST_ACCESS``; any other tenant is refused. Without a tenant id (the
  emulator, loopback only) every tenant counts as ours;
* Slack: members of our workspace(s) are staff; guests and Slack Connect people follow
  ``SIGNAALBOT_GUEST_ACCESS``. Workspaces without an installation never reach the bot (bolt
  finds no token for them);
* the console is local: always staff.

A guest or outsider let in is *capped* at the provider role, whatever roles are stored, so a
forgotten grant never shows them unshared signals. When the platform could not be asked
(``guest is None``), a new person starts as a provider (least privilege) and nobody is capped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from kernel.core import Identity, OrgType, Platform, Role
from kernel.settings import Settings
from storage.uow import UnitOfWork

Reason = Literal[
    "console",
    "own_tenant",
    "own_workspace",
    "provider_tenant",
    "provider_domain",
    "guest",
    "external",
    "unknown_account",
    "emulator",
    "foreign_tenant",
]


@dataclass(frozen=True, slots=True)
class Policy:
    """The part of the settings the gate reads."""

    own_tenant: str | None
    provider_tenants: frozenset[str]
    provider_domains: frozenset[str]
    guest_access: Literal["provider", "refuse"]

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        return cls(
            own_tenant=(settings.teams_tenant_id or "").strip().lower() or None,
            provider_tenants=frozenset(t.strip().lower() for t in settings.provider_tenants),
            provider_domains=frozenset(d.strip().lower() for d in settings.provider_email_domains),
            guest_access=settings.guest_access,
        )


@dataclass(frozen=True, slots=True)
class Decision:
    """Let in (with the role a new person starts with, and an optional cap) or refused."""

    admitted: bool
    reason: Reason
    role: Role = Role.PROFESSIONAL
    org_type: OrgType = OrgType.MUNICIPALITY
    cap: Role | None = None


def _staff(reason: Reason) -> Decision:
    return Decision(admitted=True, reason=reason)


def _provider(reason: Reason, *, capped: bool = False) -> Decision:
    return Decision(
        admitted=True,
        reason=reason,
        role=Role.PROVIDER,
        org_type=OrgType.PROVIDER,
        cap=Role.PROVIDER if capped else None,
    )


def _refused(reason: Reason) -> Decision:
    return Decision(admitted=False, reason=reason, role=Role.PROVIDER, org_type=OrgType.OTHER)


def _outsider(reason: Reason, policy: Policy) -> Decision:
    if policy.guest_access == "provider":
        return _provider(reason, capped=True)
    return _refused(reason)


def decide(identity: Identity, policy: Policy) -> Decision:
    """Admit as staff, admit as provider, or refuse."""
    if identity.platform == Platform.CONSOLE:
        return _staff("console")
    tenant = (identity.tenant or "").strip().lower()
    domain = (identity.email_domain or "").strip().lower()
    if tenant and tenant in policy.provider_tenants:
        return _provider("provider_tenant")
    if domain and domain in policy.provider_domains:
        return _provider("provider_domain")
    if identity.platform == Platform.TEAMS:
        if policy.own_tenant is not None and tenant != policy.own_tenant:
            return _refused("foreign_tenant")
        reason: Reason = "own_tenant" if policy.own_tenant is not None else "emulator"
        if identity.guest:
            return _outsider("guest", policy)
        if identity.guest is None and policy.own_tenant is not None:
            return _provider("unknown_account")
        return _staff(reason)
    if identity.external:
        return _outsider("external", policy)
    if identity.guest:
        return _outsider("guest", policy)
    if identity.guest is None:
        return _provider("unknown_account")
    return _staff("own_workspace")


def identity_ref(identity: Identity) -> str:
    """An audit reference for someone who is not let in: a hash, never the platform id."""
    digest = hashlib.sha256(f"{identity.platform.value}:{identity.user_id}".encode()).hexdigest()
    return f"{identity.platform.value}:{digest[:16]}"


async def record_refusal(
    uow: UnitOfWork, identity: Identity, decision: Decision, now: datetime
) -> None:
    """The one trace a refused person leaves: an audit line without name or platform id."""
    await uow.audit.record(
        actor_id=None,
        action="admission.refused",
        entity="identity",
        entity_id=identity_ref(identity),
        now=now,
        details={
            "platform": identity.platform.value,
            "reason": decision.reason,
            "tenant": (identity.tenant or "")[:100],
        },
    )
