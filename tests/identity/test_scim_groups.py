"""SCIM /Groups: a group's displayName or externalId maps to a role, so membership changes
recompute the member's role."""

from __future__ import annotations

import pytest

from jamlik.core.models import Role, User
from jamlik.identity.models import DirectoryGroup
from tests.identity.conftest import GROUP_SCHEMA, patch_ops, user_payload

pytestmark = pytest.mark.django_db


def create_user(scim, username, **extra):
    extra.setdefault("roles", [])
    response = scim.post("/Users", user_payload(username, **extra))
    assert response.status_code == 201, response.content
    return response.json()["id"]


def create_group(scim, name, members=(), **extra):
    payload = {
        "schemas": [GROUP_SCHEMA],
        "displayName": name,
        "members": [{"value": m} for m in members],
        **extra,
    }
    response = scim.post("/Groups", payload)
    assert response.status_code == 201, response.content
    return response.json()


def role_of(username):
    user = User.objects.get(username=username)
    return (user.role or None) if user.is_active else None


def test_membership_grants_and_removes_roles(scim):
    anna = create_user(scim, "anna@kommun.example")
    assert role_of("anna@kommun.example") is None
    group = create_group(scim, "Jamlik Stad", [anna])
    assert group["members"][0]["value"] == anna
    assert group["members"][0]["$ref"].endswith(f"/Users/{anna}")
    assert role_of("anna@kommun.example") == Role.CITY_COORDINATOR
    user_view = scim.get(f"/Users/{anna}").json()
    assert user_view["groups"][0]["display"] == "Jamlik Stad"

    response = scim.patch(
        f"/Groups/{group['id']}", patch_ops({"op": "Remove", "path": f'members[value eq "{anna}"]'})
    )
    assert response.status_code == 200, response.content
    assert "members" not in response.json()
    assert role_of("anna@kommun.example") is None


def test_entra_member_forms(scim):
    anna = create_user(scim, "anna@kommun.example")
    bo = create_user(scim, "bo@kommun.example")
    group = create_group(scim, "Övriga")
    path = f"/Groups/{group['id']}"
    added = scim.patch(
        path, patch_ops({"op": "Add", "path": "members", "value": [{"value": anna}, {"value": bo}]})
    )
    assert added.status_code == 200, added.content
    assert {m["value"] for m in added.json()["members"]} == {anna, bo}
    # Entra removes with the member as the value.
    removed = scim.patch(
        path, patch_ops({"op": "Remove", "path": "members", "value": [{"value": bo}]})
    )
    assert [m["value"] for m in removed.json()["members"]] == [anna]
    # Renaming to a mapped name gives every member the role.
    renamed = scim.patch(
        path, patch_ops({"op": "Replace", "path": "displayName", "value": "Jamlik Admins"})
    )
    assert renamed.status_code == 200
    assert role_of("anna@kommun.example") == Role.ADMIN
    assert role_of("bo@kommun.example") is None
    # Replacing the members.
    scim.patch(path, patch_ops({"op": "Replace", "path": "members", "value": [{"value": bo}]}))
    assert role_of("anna@kommun.example") is None
    assert role_of("bo@kommun.example") == Role.ADMIN


def test_external_id_maps_too(scim, settings):
    settings.DIRECTORY_ROLE_MAP = "city_coordinator=9f1b-object-id"
    anna = create_user(scim, "anna@kommun.example")
    create_group(scim, "Some name", [anna], externalId="9F1B-OBJECT-ID")
    assert role_of("anna@kommun.example") == Role.CITY_COORDINATOR


def test_app_roles_win_over_groups(scim):
    anna = create_user(scim, "anna@kommun.example", roles=[{"value": "Jamlik.City"}])
    create_group(scim, "Jamlik Admins", [anna])
    assert role_of("anna@kommun.example") == Role.CITY_COORDINATOR


def test_org_coordinator_group_needs_a_known_organisation(scim, personas):
    anna = create_user(scim, "anna@kommun.example")
    bo = create_user(
        scim,
        "bo@kommun.example",
        **{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "B"}},
    )
    create_group(scim, "Jamlik Samordnare", [anna, bo])
    assert role_of("anna@kommun.example") is None
    assert role_of("bo@kommun.example") == Role.ORG_COORDINATOR
    assert User.objects.get(username="bo@kommun.example").organisation == personas.org_b


def test_delete_group_recomputes(scim):
    anna = create_user(scim, "anna@kommun.example")
    group = create_group(scim, "Jamlik Stad", [anna])
    assert scim.delete(f"/Groups/{group['id']}").status_code == 204
    assert not DirectoryGroup.objects.exists()
    assert role_of("anna@kommun.example") is None
    assert scim.get(f"/Groups/{group['id']}").status_code == 404


def test_put_list_and_filter(scim):
    anna = create_user(scim, "anna@kommun.example")
    group = create_group(scim, "Jamlik Stad")
    replaced = scim.put(
        f"/Groups/{group['id']}",
        {"schemas": [GROUP_SCHEMA], "displayName": "Jamlik Stad", "members": [{"value": anna}]},
    )
    assert replaced.status_code == 200, replaced.content
    assert role_of("anna@kommun.example") == Role.CITY_COORDINATOR
    create_group(scim, "Annan grupp")
    listing = scim.get("/Groups", {"filter": 'displayName eq "jamlik stad"'}).json()
    assert listing["totalResults"] == 1
    assert listing["Resources"][0]["id"] == group["id"]
    assert scim.get("/Groups").json()["totalResults"] == 2
    excluded = scim.get("/Groups", {"excludedAttributes": "members"}).json()
    assert all("members" not in r for r in excluded["Resources"])


def test_group_errors(scim):
    bad_member = scim.post(
        "/Groups",
        {"schemas": [GROUP_SCHEMA], "displayName": "X", "members": [{"value": "nobody"}]},
    )
    assert bad_member.status_code == 400
    assert bad_member.json()["scimType"] == "invalidValue"
    assert scim.post("/Groups", {"schemas": [GROUP_SCHEMA]}).status_code == 400
    create_group(scim, "X", externalId="same")
    taken = scim.post(
        "/Groups", {"schemas": [GROUP_SCHEMA], "displayName": "Y", "externalId": "same"}
    )
    assert taken.status_code == 409 and taken.json()["scimType"] == "uniqueness"
    assert scim.get("/Groups/00000000-0000-0000-0000-000000000000").status_code == 404


def test_deleted_user_leaves_groups(scim):
    anna = create_user(scim, "anna@kommun.example")
    group = create_group(scim, "Jamlik Stad", [anna])
    scim.delete(f"/Users/{anna}")
    assert "members" not in scim.get(f"/Groups/{group['id']}").json()
