"""identity.mapping: every branch of the role decision, the role map's parsing and the
claims helpers for OpenID Connect."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from jamlik.core.models import Role
from jamlik.identity import mapping
from jamlik.identity.mapping import Decision, DirectoryMapping

MAP = DirectoryMapping.from_text(
    "administrator=Jamlik.Admin,admins-guid;city_coordinator=Jamlik.City,Stadens samordnare;"
    "org_coordinator=Jamlik.Org,samordnare-guid"
)
KNOWN = {"A", "B"}


def exists(code: str) -> bool:
    return code.upper() in KNOWN


def decide(roles=(), groups=(), code=None) -> Decision:
    return MAP.decide(list(roles), list(groups), code, organisation_exists=exists)


def test_parse_role_map():
    parsed = mapping.parse_role_map(" administrator = A , b ;; org_coordinator=C; ")
    assert parsed == {Role.ADMIN: frozenset({"a", "b"}), Role.ORG_COORDINATOR: frozenset({"c"})}
    assert mapping.parse_role_map("") == {}


@pytest.mark.parametrize("raw", ["superuser=X", "administrator", "admin=X"])
def test_parse_role_map_refuses_unknown_roles(raw):
    with pytest.raises(ImproperlyConfigured):
        mapping.parse_role_map(raw)


def test_from_settings(settings):
    settings.DIRECTORY_ROLE_MAP = "city_coordinator=Jamlik.City"
    settings.DIRECTORY_ORGANISATION_CLAIM = "org"
    settings.DIRECTORY_SCIM_ORGANISATION_ATTRIBUTE = "organization"
    built = DirectoryMapping.from_settings()
    assert built.roles == {Role.CITY_COORDINATOR: frozenset({"jamlik.city"})}
    assert built.organisation_claim == "org"
    assert built.scim_organisation_attribute == "organization"


def test_from_settings_refuses_an_unknown_scim_attribute(settings):
    settings.DIRECTORY_SCIM_ORGANISATION_ATTRIBUTE = "title"
    with pytest.raises(ImproperlyConfigured):
        DirectoryMapping.from_settings()


def test_app_role():
    assert decide(roles=["Jamlik.City"]) == Decision(Role.CITY_COORDINATOR, None, mapping.APP_ROLE)


def test_values_are_compared_case_insensitively():
    assert decide(roles=["jamlik.admin"]).role == Role.ADMIN
    assert decide(groups=["STADENS SAMORDNARE"]).role == Role.CITY_COORDINATOR


def test_app_roles_win_over_groups():
    # The group would make an administrator; the app role decides.
    decision = decide(roles=["Jamlik.City"], groups=["admins-guid"])
    assert decision == Decision(Role.CITY_COORDINATOR, None, mapping.APP_ROLE)


def test_unmapped_app_roles_fall_back_to_groups():
    decision = decide(roles=["Other.App.Role"], groups=["admins-guid"])
    assert decision == Decision(Role.ADMIN, None, mapping.GROUP)


def test_highest_role_wins():
    assert decide(roles=["Jamlik.Org", "Jamlik.Admin", "Jamlik.City"], code="A").role == Role.ADMIN
    assert decide(groups=["samordnare-guid", "Stadens samordnare"]).role == Role.CITY_COORDINATOR


def test_org_coordinator_with_a_known_organisation():
    assert decide(roles=["Jamlik.Org"], code=" a ") == Decision(
        Role.ORG_COORDINATOR, "a", mapping.APP_ROLE
    )
    assert decide(groups=["samordnare-guid"], code="B") == Decision(
        Role.ORG_COORDINATOR, "B", mapping.GROUP
    )


def test_org_coordinator_without_an_organisation_gets_no_role():
    assert decide(roles=["Jamlik.Org"]) == Decision(None, None, mapping.NO_ORGANISATION)
    assert decide(roles=["Jamlik.Org"], code="  ") == Decision(None, None, mapping.NO_ORGANISATION)


def test_org_coordinator_with_an_unknown_organisation_gets_no_role():
    assert decide(roles=["Jamlik.Org"], code="Z") == Decision(
        None, None, mapping.UNKNOWN_ORGANISATION
    )


def test_other_roles_need_no_organisation():
    assert decide(roles=["Jamlik.Admin"], code="Z") == Decision(Role.ADMIN, None, mapping.APP_ROLE)


def test_nothing_mapped():
    assert decide() == Decision(None, None, mapping.NO_MATCH)
    assert decide(roles=["x"], groups=["y"]) == Decision(None, None, mapping.NO_MATCH)
    assert not decide().grants_access
    assert DirectoryMapping().decide(
        ["Jamlik.Admin"], [], None, organisation_exists=exists
    ) == Decision(None, None, mapping.NO_MATCH)


def test_group_overage_marker_means_no_groups():
    assert decide(groups=["_claim_names", "admins-guid"]) == Decision(
        None, None, mapping.GROUP_OVERAGE
    )
    # An app role still grants a role on an overage.
    assert decide(roles=["Jamlik.City"], groups=["hasgroups"]).role == Role.CITY_COORDINATOR


def test_groups_from_claims():
    assert mapping.groups_from_claims({"groups": ["g1", "g2"]}) == ["g1", "g2"]
    assert mapping.groups_from_claims({"groups": "g1"}) == ["g1"]
    assert mapping.groups_from_claims({}) == []
    assert mapping.groups_from_claims({"groups": {"not": "a list"}}) == []
    overage = {"_claim_names": {"groups": "src1"}, "_claim_sources": {"src1": {}}}
    assert mapping.groups_from_claims({**overage, "groups": ["g1"]}) == []
    assert mapping.groups_from_claims({"hasgroups": True}) == []


def test_decide_from_claims():
    claims = {"roles": ["Jamlik.Org"], "jamlik_org": "A", "groups": ["admins-guid"]}
    assert MAP.decide_from_claims(claims, organisation_exists=exists) == Decision(
        Role.ORG_COORDINATOR, "A", mapping.APP_ROLE
    )
    overage = {"groups": ["admins-guid"], "_claim_names": {"groups": "src1"}}
    assert MAP.decide_from_claims(overage, organisation_exists=exists).role is None
    odd = {"roles": "Jamlik.City", "jamlik_org": 5}
    assert MAP.decide_from_claims(odd, organisation_exists=exists).role == Role.CITY_COORDINATOR


def test_organisation_code_exists(personas):
    assert mapping.organisation_code_exists("a")
    assert mapping.organisation_code_exists(" A ")
    assert not mapping.organisation_code_exists("nope")
