"""SCIM /Users: create, read, list with filters and pages, replace, the PATCH forms Entra ID
sends, delete, and the SCIM errors."""

from __future__ import annotations

import pytest

from jamlik.core.models import AuditEntry, Role, User
from jamlik.identity.models import DirectoryAccount
from tests.factories.core import UserFactory
from tests.identity.conftest import (
    ENTERPRISE,
    ERROR_SCHEMA,
    USER_SCHEMA,
    patch_ops,
    user_payload,
)

pytestmark = pytest.mark.django_db


def create(scim, username="anna@kommun.example", **extra):
    response = scim.post("/Users", user_payload(username, **extra))
    assert response.status_code == 201, response.content
    return response.json()


ANY = object()


def assert_error(response, status, scim_type=ANY):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert body["schemas"] == [ERROR_SCHEMA]
    assert body["status"] == str(status)
    if scim_type is not ANY:
        assert body.get("scimType") == scim_type
    return body


def test_create_makes_a_staff_user(scim):
    response = scim.post("/Users", user_payload())
    assert response.status_code == 201
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert response["Location"] == f"http://testserver/scim/v2/Users/{body['id']}"
    assert body["userName"] == "anna@kommun.example"
    assert body["active"] is True
    assert body["meta"]["resourceType"] == "User"
    user = User.objects.get(username="anna@kommun.example")
    assert (user.email, user.name, user.first_name, user.last_name) == (
        "anna@kommun.example",
        "Anna Andersson",
        "Anna",
        "Andersson",
    )
    assert user.role == Role.CITY_COORDINATOR and user.is_active
    assert not user.has_usable_password()
    account = user.directory_account
    assert str(account.scim_id) == body["id"] and account.external_id == "ext-anna@kommun.example"
    assert AuditEntry.objects.filter(action="identity.account.provisioned").exists()


def test_attributes_outside_the_schema_are_dropped(scim):
    body = create(scim, phoneNumbers=[{"value": "+46 8 123 45", "type": "work"}], title="Chef")
    assert "phoneNumbers" not in body and "title" not in body
    account = DirectoryAccount.objects.get()
    assert "phoneNumbers" not in account.attributes and "title" not in account.attributes


def test_no_mapped_role_means_no_access(scim):
    body = create(scim, roles=[{"value": "Something.Else"}])
    user = User.objects.get()
    assert not user.is_active
    assert user.role == "" and not user.is_staff and not user.is_superuser
    # The directory still sees the account as it wrote it.
    assert body["active"] is True
    assert DirectoryAccount.objects.get().role_reason == "no_match"


def test_administrator_role_makes_staff_and_superuser(scim):
    create(scim, roles=[{"value": "Jamlik.Admin"}])
    user = User.objects.get()
    assert user.role == Role.ADMIN and user.is_staff and user.is_superuser


def test_org_coordinator_gets_the_organisation_of_the_department(scim, personas):
    create(
        scim,
        "hr@kommun.example",
        roles=[{"value": "Jamlik.Org"}],
        **{ENTERPRISE: {"department": "a"}},
    )
    user = User.objects.get(username="hr@kommun.example")
    assert user.role == Role.ORG_COORDINATOR and user.organisation == personas.org_a


def test_organisation_attribute_can_be_organization(scim, personas, settings):
    settings.DIRECTORY_SCIM_ORGANISATION_ATTRIBUTE = "organization"
    create(
        scim,
        "hr@kommun.example",
        roles=[{"value": "Jamlik.Org"}],
        **{ENTERPRISE: {"department": "A", "organization": "B"}},
    )
    assert User.objects.get(username="hr@kommun.example").organisation == personas.org_b


def test_get_one(scim):
    created = create(scim)
    response = scim.get(f"/Users/{created['id']}")
    assert response.status_code == 200
    body = response.json()
    assert body["schemas"] == [USER_SCHEMA]
    assert body["emails"] == [{"value": "anna@kommun.example", "type": "work", "primary": True}]
    assert body["name"]["givenName"] == "Anna"
    only = scim.get(f"/Users/{created['id']}", {"attributes": "userName"}).json()
    assert set(only) == {"schemas", "id", "userName"}


def test_unknown_and_malformed_ids_are_404(scim):
    assert_error(scim.get("/Users/00000000-0000-0000-0000-000000000000"), 404)
    assert_error(scim.get("/Users/not-a-uuid"), 404)
    assert_error(scim.get("/Nothing"), 404)


def test_list_filters_and_pages(scim):
    for n in range(5):
        create(scim, f"user{n}@kommun.example")
    listing = scim.get("/Users").json()
    assert listing["totalResults"] == 5 and listing["itemsPerPage"] == 5
    assert listing["startIndex"] == 1
    page = scim.get("/Users", {"startIndex": 2, "count": 2}).json()
    assert page["totalResults"] == 5 and page["itemsPerPage"] == 2
    assert [r["userName"] for r in page["Resources"]] == [
        "user1@kommun.example",
        "user2@kommun.example",
    ]
    assert scim.get("/Users", {"count": 0}).json()["itemsPerPage"] == 0
    # startIndex below 1 counts as 1 (RFC 7644 §3.4.2.4).
    assert scim.get("/Users", {"startIndex": -3, "count": 1}).json()["startIndex"] == 1
    found = scim.get("/Users", {"filter": 'userName eq "USER3@kommun.example"'}).json()
    assert found["totalResults"] == 1
    assert found["Resources"][0]["userName"] == "user3@kommun.example"
    by_external = scim.get("/Users", {"filter": 'externalId eq "ext-user4@kommun.example"'})
    assert by_external.json()["Resources"][0]["userName"] == "user4@kommun.example"
    none = scim.get("/Users", {"filter": 'userName eq "nobody"'}).json()
    assert none["totalResults"] == 0 and none["Resources"] == []
    # Other filters are evaluated on the resources.
    some = scim.get("/Users", {"filter": 'userName sw "user1" or userName sw "user2"'}).json()
    assert some["totalResults"] == 2


def test_search_with_post(scim):
    create(scim)
    response = scim.post(
        "/Users/.search",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": 'userName eq "anna@kommun.example"',
            "attributes": ["userName"],
        },
    )
    assert response.status_code == 200
    assert set(response.json()["Resources"][0]) == {"schemas", "id", "userName"}


@pytest.mark.parametrize(
    "params",
    [
        {"filter": 'userName eq "unterminated'},
        {"filter": "userName zz 1"},
    ],
)
def test_bad_filters_are_400(scim, params):
    assert_error(scim.get("/Users", params), 400, "invalidFilter")


def test_bad_pagination_is_400(scim):
    assert_error(scim.get("/Users", {"count": "many"}), 400, "invalidValue")
    assert_error(scim.get("/Users", {"startIndex": "1.5"}), 400, "invalidValue")
    # A control character in the query never reaches the database.
    assert_error(scim.get("/Users", {"filter": 'userName eq "a\x00"'}), 400)


@pytest.mark.parametrize(
    ("body", "scim_type"),
    [
        ("{not json", "invalidSyntax"),
        ("[]", "invalidSyntax"),
        ({"schemas": [USER_SCHEMA]}, "invalidValue"),  # no userName
        ({"schemas": [USER_SCHEMA], "userName": "a b c"}, "invalidValue"),
        ({"schemas": [USER_SCHEMA], "userName": "x" * 151}, "invalidValue"),
        (
            {"schemas": [USER_SCHEMA], "userName": "ok", "emails": [{"value": "nope"}]},
            "invalidValue",
        ),
        ({"schemas": [USER_SCHEMA], "userName": "ok\x00"}, "invalidValue"),
        ({"schemas": [USER_SCHEMA], "userName": "ok", "active": "maybe"}, "invalidValue"),
    ],
)
def test_bad_bodies_are_400(scim, body, scim_type):
    assert_error(scim.post("/Users", body), 400, scim_type)
    assert not DirectoryAccount.objects.exists()


def test_a_taken_username_is_409(scim):
    create(scim)
    assert_error(
        scim.post("/Users", user_payload("ANNA@kommun.example", externalId="x")), 409, "uniqueness"
    )


def test_a_local_account_is_never_taken_over(scim):
    UserFactory(username="lokal@kommun.example", role=Role.ADMIN)
    assert_error(scim.post("/Users", user_payload("lokal@kommun.example")), 409, "uniqueness")


def test_a_taken_external_id_is_409(scim):
    create(scim, externalId="same")
    assert_error(
        scim.post("/Users", user_payload("other@kommun.example", externalId="same")),
        409,
        "uniqueness",
    )


def test_replace(scim):
    created = create(scim)
    payload = user_payload(
        "anna.b@kommun.example",
        displayName="Anna Berg",
        name={"givenName": "Anna", "familyName": "Berg"},
        emails=[{"value": "anna.b@kommun.example", "type": "work"}],
        roles=[{"value": "Jamlik.Admin"}],
    )
    response = scim.put(f"/Users/{created['id']}", payload)
    assert response.status_code == 200, response.content
    assert response.json()["userName"] == "anna.b@kommun.example"
    user = User.objects.get()
    assert (user.username, user.name, user.last_name, user.email, user.role) == (
        "anna.b@kommun.example",
        "Anna Berg",
        "Berg",
        "anna.b@kommun.example",
        Role.ADMIN,
    )
    assert_error(scim.put("/Users/00000000-0000-0000-0000-000000000000", payload), 404)


def test_patch_as_entra_sends_it(scim, personas):
    created = create(scim)
    manager = create(scim, "chef@kommun.example", externalId="chef")
    response = scim.patch(
        f"/Users/{created['id']}",
        patch_ops(
            {"op": "Replace", "path": "displayName", "value": "Anna A. Andersson"},
            {"op": "Replace", "path": "name.givenName", "value": "Annie"},
            {
                "op": "Replace",
                "path": 'emails[type eq "work"].value',
                "value": "annie@kommun.example",
            },
            {"op": "Add", "path": f"{ENTERPRISE}:department", "value": "A"},
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": manager["id"]},
            {"op": "Replace", "path": "roles", "value": [{"value": "Jamlik.Org"}]},
        ),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["displayName"] == "Anna A. Andersson"
    assert body[ENTERPRISE]["manager"] == {"value": manager["id"]}
    user = User.objects.get(username="anna@kommun.example")
    assert (user.name, user.first_name, user.email) == (
        "Anna A. Andersson",
        "Annie",
        "annie@kommun.example",
    )
    assert user.role == Role.ORG_COORDINATOR and user.organisation == personas.org_a
    assert user.directory_account.manager_email == "chef@kommun.example"


def test_patch_adds_a_work_email_when_there_is_none(scim):
    created = create(scim, emails=[])
    response = scim.patch(
        f"/Users/{created['id']}",
        patch_ops(
            {"op": "replace", "path": 'emails[type eq "work"].value', "value": "ny@kommun.example"}
        ),
    )
    assert response.status_code == 200, response.content
    assert User.objects.get().email == "ny@kommun.example"


def test_patch_without_path_and_active_as_a_string(scim):
    created = create(scim)
    response = scim.patch(
        f"/Users/{created['id']}",
        patch_ops({"op": "Replace", "value": {"active": "False", "displayName": "Borta"}}),
    )
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    user = User.objects.get()
    assert not user.is_active and user.name == "Borta"


def test_patch_removes_the_manager(scim):
    manager = create(scim, "chef@kommun.example", externalId="chef")
    created = create(scim, **{ENTERPRISE: {"manager": {"value": manager["id"]}, "department": "X"}})
    assert (
        DirectoryAccount.objects.get(scim_id=created["id"]).manager_email == "chef@kommun.example"
    )
    response = scim.patch(
        f"/Users/{created['id']}", patch_ops({"op": "Remove", "path": f"{ENTERPRISE}:manager"})
    )
    assert response.status_code == 200, response.content
    assert DirectoryAccount.objects.get(scim_id=created["id"]).manager_email == ""


def test_bad_patches_are_400(scim):
    created = create(scim)
    path = f"/Users/{created['id']}"
    assert_error(
        scim.patch(path, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}),
        400,
        "invalidValue",
    )
    assert_error(scim.patch(path, patch_ops({"op": "jump", "path": "active"})), 400)
    assert_error(
        scim.patch(path, patch_ops({"op": "replace", "path": "userName", "value": None})), 400
    )
    assert_error(scim.patch(path, patch_ops({"op": "replace", "path": "id", "value": "x"})), 400)


def test_patch_to_a_taken_username_is_409(scim):
    create(scim, "first@kommun.example")
    second = create(scim, "second@kommun.example")
    response = scim.patch(
        f"/Users/{second['id']}",
        patch_ops({"op": "replace", "path": "userName", "value": "FIRST@kommun.example"}),
    )
    assert_error(response, 409, "uniqueness")


def test_delete_deactivates_and_hides(scim):
    created = create(scim)
    assert scim.delete(f"/Users/{created['id']}").status_code == 204
    user = User.objects.get()
    assert not user.is_active
    assert_error(scim.get(f"/Users/{created['id']}"), 404)
    assert scim.get("/Users").json()["totalResults"] == 0
    assert_error(scim.delete(f"/Users/{created['id']}"), 404)
    # The directory may provision the same person again: the account is revived.
    again = create(scim)
    assert again["id"] != created["id"]
    assert User.objects.get().is_active
    assert User.objects.count() == 1


def test_methods_not_allowed(scim):
    assert_error(scim.delete("/Users"), 405)
    assert_error(scim.post("/ServiceProviderConfig", {}), 405)
