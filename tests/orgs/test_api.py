"""The Organisations endpoints (docs/api.md#endpoints-organisations), with scoping and bad input."""

import pytest

from jamlik.orgs.models import Organisation
from tests.factories.orgs import OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db

FIELDS = {"id", "code", "name", "kind", "parent", "mailbox", "domains", "valid_from", "valid_to"}


def test_list_has_the_fields_of_the_contract(personas):
    body = personas.api(personas.coordinator_a).get("/api/v1/organisations").json()
    assert isinstance(body, list) and len(body) == 5
    assert FIELDS <= set(body[0])
    a = next(o for o in body if o["code"] == "A")
    assert a["parent"] == personas.city.pk and a["domains"] == ["a.example"]


def test_tree_is_visible_to_all_staff_but_not_anonymous(personas):
    for user in (
        personas.admin,
        personas.city_coordinator,
        personas.coordinator_a,
        personas.coordinator_b,
    ):
        assert personas.api(user).get("/api/v1/organisations").status_code == 200
    assert personas.api().get("/api/v1/organisations").status_code == 401


def test_filters(personas):
    api = personas.api(personas.city_coordinator)
    assert {o["code"] for o in api.get("/api/v1/organisations", {"kind": "unit"}).json()} == {
        "A1",
        "B1",
    }
    assert {
        o["code"] for o in api.get("/api/v1/organisations", {"parent": personas.org_a.pk}).json()
    } == {"A1"}
    assert {o["code"] for o in api.get("/api/v1/organisations", {"q": "Enhet B"}).json()} == {"B1"}
    assert api.get("/api/v1/organisations", {"kind": "planet"}).status_code == 400


def test_create_returns_201_with_the_organisation(personas):
    api = personas.api(personas.city_coordinator)
    response = api.post(
        "/api/v1/organisations",
        {
            "code": "C",
            "name": "Förvaltning C",
            "kind": "administration",
            "parent": personas.city.pk,
            "mailbox": "hr@c.example",
            "domains": ["c.example"],
            "valid_from": "2021-01-01",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "C" and body["valid_from"] == "2021-01-01" and body["valid_to"] is None


def test_patch_changes_only_given_fields(personas):
    api = personas.api(personas.coordinator_a)
    response = api.patch(f"/api/v1/organisations/{personas.unit_a.pk}", {"name": "Enhet A ett"})
    assert response.status_code == 200
    unit = Organisation.objects.get(pk=personas.unit_a.pk)
    assert unit.name == "Enhet A ett" and unit.code == "A1"


def test_org_coordinator_changes_own_subtree_only_else_404(personas):
    api = personas.api(personas.coordinator_a)
    assert (
        api.patch(f"/api/v1/organisations/{personas.org_b.pk}", {"name": "Kapad"}).status_code
        == 404
    )
    assert (
        api.patch(f"/api/v1/organisations/{personas.city.pk}", {"name": "Kapad"}).status_code == 404
    )
    response = api.post(
        "/api/v1/organisations",
        {"code": "Z", "name": "Z", "kind": "unit", "parent": personas.org_b.pk},
    )
    assert response.status_code == 400
    assert Organisation.objects.get(pk=personas.org_b.pk).name == "Förvaltning B"
    assert not Organisation.objects.filter(code="Z").exists()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"code": "", "name": "X", "kind": "unit"}, "code"),
        ({"code": "has space", "name": "X", "kind": "unit"}, "code"),
        ({"code": "x" * 21, "name": "X", "kind": "unit"}, "code"),
        ({"code": "Q", "name": "   ", "kind": "unit"}, "name"),
        ({"code": "Q", "name": "x" * 201, "kind": "unit"}, "name"),
        ({"code": "Q", "name": "a\x00b", "kind": "unit"}, "name"),
        ({"code": "Q", "name": "X", "kind": "unit", "mailbox": "nope"}, "mailbox"),
        ({"code": "Q", "name": "X", "kind": "unit", "domains": "a.example"}, "domains"),
        ({"code": "Q", "name": "X", "kind": "unit", "domains": ["not a domain"]}, "domains.0"),
        ({"code": "Q", "name": "X", "kind": "unit", "parent": 99999}, "parent"),
        ({"code": "Q", "name": "X", "kind": "unit", "parent": "abc"}, "parent"),
        ({"code": "Q", "name": "X", "kind": "unit", "valid_from": "2021-02-30"}, "valid_from"),
        (
            {
                "code": "Q",
                "name": "X",
                "kind": "unit",
                "valid_from": "2021-02-01",
                "valid_to": "2021-01-01",
            },
            "valid_to",
        ),
        ({"code": "A", "name": "Dubblett", "kind": "unit"}, "code"),
        ({"code": 12, "name": "X", "kind": "unit"}, "code"),
    ],
)
def test_bad_input_is_400_with_field_and_nothing_stored(personas, payload, field):
    count = Organisation.objects.count()
    response = personas.api(personas.admin).post("/api/v1/organisations", payload)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert field in {e["field"] for e in body["errors"]}, body
    assert Organisation.objects.count() == count


def test_huge_body_is_refused_without_500(personas):
    response = personas.api(personas.admin).post(
        "/api/v1/organisations", {"code": "Q", "name": "x" * 1_000_000, "kind": "unit"}
    )
    assert response.status_code in (400, 413)


def test_unusual_text_round_trips_unchanged(personas):
    name = "<b>Förvaltning</b> 🎉 שלום ' OR 1=1 --"
    api = personas.api(personas.admin)
    created = api.post("/api/v1/organisations", {"code": "U", "name": name, "kind": "unit"}).json()
    assert api.get(f"/api/v1/organisations/{created['id']}").json()["name"] == name


def test_english_messages_when_asked(personas):
    response = personas.api(personas.admin, language="en").post(
        "/api/v1/organisations", {"code": "A", "name": "X", "kind": "unit"}
    )
    assert "already in use" in response.json()["detail"]


def test_list_query_count_does_not_grow(personas, django_assert_max_num_queries):
    for _ in range(20):
        parent = OrganisationFactory(parent=personas.city)
        for _ in range(10):
            UnitFactory(parent=parent)
    api = personas.api(personas.city_coordinator)
    # token lookup, token touch, organisations, count
    with django_assert_max_num_queries(5):
        response = api.get("/api/v1/organisations", {"limit": 500})
    assert len(response.json()) == 225
    assert response["X-Total-Count"] == "225"


def test_pagination_slices(personas):
    api = personas.api(personas.city_coordinator)
    first = api.get("/api/v1/organisations", {"limit": 2, "offset": 0}).json()
    second = api.get("/api/v1/organisations", {"limit": 2, "offset": 2}).json()
    assert len(first) == 2 and len(second) == 2
    assert not {o["id"] for o in first} & {o["id"] for o in second}


def test_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/organisations" in response.json()["paths"]
