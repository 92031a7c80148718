"""The tenant and workspace gate: each case of turn/admission.py, then over real HTTP on Slack
and Teams. Someone refused gets one kind message in their language and leaves one audit line."""

from __future__ import annotations

import pytest

from kernel.core import Identity, OrgType, Platform, Role
from tests.hostile.support import changed, stack
from tests.integration.teams.driver import TENANT, texts
from turn.admission import Policy, decide

OWN = TENANT
PROVIDER_TENANT = "tenant-zorg"
POLICY = Policy(
    own_tenant=OWN,
    provider_tenants=frozenset({PROVIDER_TENANT, "tzorg"}),
    provider_domains=frozenset({"zorgaanbieder.nl"}),
    guest_access="provider",
)
REFUSING = Policy(
    own_tenant=OWN,
    provider_tenants=POLICY.provider_tenants,
    provider_domains=POLICY.provider_domains,
    guest_access="refuse",
)


def teams(tenant: str | None, *, domain: str | None = None, guest: bool | None = False) -> Identity:
    return Identity(
        platform=Platform.TEAMS,
        user_id=f"{tenant}:x",
        tenant=tenant,
        email_domain=domain,
        guest=guest,
    )


def slack(
    team: str = "T0001", *, guest: bool | None = False, external: bool | None = False
) -> Identity:
    return Identity(
        platform=Platform.SLACK, user_id=f"{team}:U1", tenant=team, guest=guest, external=external
    )


@pytest.mark.parametrize(
    ("identity", "policy", "admitted", "role", "cap", "reason"),
    [
        (teams(OWN), POLICY, True, Role.PROFESSIONAL, None, "own_tenant"),
        (teams(OWN.upper()), POLICY, True, Role.PROFESSIONAL, None, "own_tenant"),
        (teams("tenant-elders"), POLICY, False, Role.PROVIDER, None, "foreign_tenant"),
        (teams(None), POLICY, False, Role.PROVIDER, None, "foreign_tenant"),
        (teams(PROVIDER_TENANT), POLICY, True, Role.PROVIDER, None, "provider_tenant"),
        (
            teams("tenant-elders", domain="ZorgAanbieder.nl"),
            POLICY,
            True,
            Role.PROVIDER,
            None,
            "provider_domain",
        ),
        (
            teams(OWN, domain="zorgaanbieder.nl", guest=True),
            POLICY,
            True,
            Role.PROVIDER,
            None,
            "provider_domain",
        ),
        (teams(OWN, guest=True), POLICY, True, Role.PROVIDER, Role.PROVIDER, "guest"),
        (teams(OWN, guest=True), REFUSING, False, Role.PROVIDER, None, "guest"),
        (teams(OWN, guest=None), POLICY, True, Role.PROVIDER, None, "unknown_account"),
        (
            teams("any-tenant"),
            Policy(None, frozenset(), frozenset(), "provider"),
            True,
            Role.PROFESSIONAL,
            None,
            "emulator",
        ),
        (slack(), POLICY, True, Role.PROFESSIONAL, None, "own_workspace"),
        (slack(guest=True), POLICY, True, Role.PROVIDER, Role.PROVIDER, "guest"),
        (slack(guest=True), REFUSING, False, Role.PROVIDER, None, "guest"),
        (slack(external=True), POLICY, True, Role.PROVIDER, Role.PROVIDER, "external"),
        (slack(external=True), REFUSING, False, Role.PROVIDER, None, "external"),
        (slack("TZORG", external=True), REFUSING, True, Role.PROVIDER, None, "provider_tenant"),
        (slack(guest=None, external=None), POLICY, True, Role.PROVIDER, None, "unknown_account"),
        (
            Identity(platform=Platform.CONSOLE, user_id="anna"),
            REFUSING,
            True,
            Role.PROFESSIONAL,
            None,
            "console",
        ),
    ],
)
def test_each_case_of_the_gate(
    identity: Identity, policy: Policy, admitted: bool, role: Role, cap: Role | None, reason: str
) -> None:
    decision = decide(identity, policy)
    assert (decision.admitted, decision.reason) == (admitted, reason)
    if admitted:
        assert decision.role == role and decision.cap == cap
        assert decision.org_type == (
            OrgType.PROVIDER if role == Role.PROVIDER else OrgType.MUNICIPALITY
        )


# --- Teams over HTTP -----------------------------------------------------------------------


async def test_teams_own_tenant_in_foreign_tenant_refused_nothing_stored(db_url: str) -> None:
    async with stack(db_url, teams_tenant_id=OWN) as s:
        s.connector.members["29:aad-anna"] = {"id": "29:aad-anna", "userRole": "user"}
        anna = s.teams("aad-anna")
        assert "Dit kun je typen" in texts(await anna.say("help"))

        before = await s.counts()
        mallory = s.teams("aad-mallory", tenant="tenant-elders", locale="en-US")
        said = texts(await mallory.say("status S-2026-0001"))
        assert mallory.last_status == 200
        assert "only for staff of the municipality" in said
        assert changed(before, await s.counts()) == {"audit_event": 1}
        assert (await s.audit_actions())[-1] == "admission.refused"

        dutch = s.teams("aad-piet", tenant="tenant-elders")
        assert "alleen voor medewerkers" in texts(await dutch.say("help"))


async def test_teams_provider_tenant_and_domain_get_the_provider_role(db_url: str) -> None:
    async with stack(
        db_url,
        teams_tenant_id=OWN,
        provider_tenants=[PROVIDER_TENANT],
        provider_email_domains=["zorgaanbieder.nl"],
    ) as s:
        s.connector.members["29:aad-jan"] = {
            "id": "29:aad-jan",
            "userPrincipalName": "jan@zorgaanbieder.nl",
            "tenantId": "tenant-federated",
        }
        jan = s.teams("aad-jan", tenant="tenant-federated")
        for _ in range(2):  # recognised by domain on every turn, not only the first
            assert "Dit kun je typen" in texts(await jan.say("help"))
        kees = s.teams("aad-kees", tenant=PROVIDER_TENANT)
        assert "Dit kun je typen" in texts(await kees.say("help"))
        async with s.bot.services.uow() as uow:
            for who in ("tenant-federated:aad-jan", f"{PROVIDER_TENANT}:aad-kees"):
                person = await uow.people.find_by_identity("teams", who)
                assert person is not None and person.roles == frozenset({"provider"}), who


@pytest.mark.parametrize(("access", "admitted"), [("provider", True), ("refuse", False)])
async def test_teams_guest_in_our_tenant(db_url: str, access: str, admitted: bool) -> None:
    async with stack(db_url, teams_tenant_id=OWN, guest_access=access) as s:
        s.connector.members["29:aad-gast"] = {"id": "29:aad-gast", "userRole": "guest"}
        before = await s.counts()
        said = texts(await s.teams("aad-gast").say("help"))
        if admitted:
            assert "Dit kun je typen" in said
            async with s.bot.services.uow() as uow:
                person = await uow.people.find_by_identity("teams", f"{OWN}:aad-gast")
            assert person is not None and person.roles == frozenset({"provider"})
        else:
            assert "alleen voor medewerkers" in said
            assert changed(before, await s.counts()) == {"audit_event": 1}


# --- Slack over HTTP -----------------------------------------------------------------------


async def test_slack_member_is_staff_and_guest_is_capped(db_url: str) -> None:
    async with stack(db_url) as s:
        await s.slack("UANNA").dm("help")
        s.slack_fake.users["UGAST"] = {"is_restricted": True}
        await s.slack("UGAST").dm("help")
        assert "Dit kun je typen" in await s.slack_replies()
        async with s.bot.services.uow() as uow:
            anna = await uow.people.find_by_identity("slack", "T0001:UANNA")
            gast = await uow.people.find_by_identity("slack", "T0001:UGAST")
            assert anna is not None and anna.roles == frozenset({"professional"})
            assert gast is not None and gast.roles == frozenset({"provider"})
            # A role granted later never lifts a guest above the provider role.
            await uow.people.set_roles(gast.id, frozenset({"research_desk"}))
            await uow.commit()
        await s.slack("UGAST").dm("overzicht")
        assert "niet doen met jouw rol" in await s.slack_replies()


@pytest.mark.parametrize(
    "profile",
    [
        {"is_restricted": True},
        {"is_ultra_restricted": True},
        {"team_id": "TOTHER"},
        {"is_stranger": True},
    ],
)
async def test_slack_guests_and_connect_people_refused_when_set(
    db_url: str, profile: dict[str, object]
) -> None:
    async with stack(db_url, guest_access="refuse") as s:
        s.slack_fake.users["UEXT"] = profile
        before = await s.counts()
        status, _ = await s.slack("UEXT").slash("/signaal", "help")
        assert status == 200
        said = await s.slack_replies()
        assert "alleen voor medewerkers" in said
        assert not s.slack_fake.called("views.open")
        assert changed(before, await s.counts()) == {"audit_event": 1}


async def test_slack_connect_person_named_by_the_payload(db_url: str) -> None:
    """An action whose user belongs to another workspace is treated as Slack Connect."""
    async with stack(db_url, guest_access="refuse") as s:
        driver = s.slack("UEXT")
        before = await s.counts()
        await driver.interact(
            {
                "type": "block_actions",
                "team": {"id": "T0001"},
                "user": {"id": "UEXT", "team_id": "TOTHER", "username": "ext"},
                "trigger_id": "trig-x",
                "response_url": s.slack_fake.respond_url(),
                "actions": [{"action_id": "signal.match.new", "value": "", "action_ts": "1"}],
            }
        )
        assert "alleen voor medewerkers" in await s.slack_replies()
        assert changed(before, await s.counts()) == {"audit_event": 1}


@pytest.mark.parametrize(("access", "admitted"), [("provider", True), ("refuse", False)])
async def test_slack_event_from_another_workspace_than_the_token(
    db_url: str, access: str, admitted: bool
) -> None:
    """One bot token serves one workspace; an event from another one (Slack Connect) is an
    outsider's, whatever users.info says."""
    async with stack(db_url, guest_access=access) as s:
        before = await s.counts()
        await s.slack("UBUITEN", team="TOTHER").dm("help")
        said = await s.slack_replies()
        if admitted:
            assert "Dit kun je typen" in said
            async with s.bot.services.uow() as uow:
                person = await uow.people.find_by_identity("slack", "TOTHER:UBUITEN")
            assert person is not None and person.roles == frozenset({"provider"})
        else:
            assert "alleen voor medewerkers" in said
            assert changed(before, await s.counts()) == {"audit_event": 1}
