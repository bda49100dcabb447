"""Bad input to PATCH /api/v1/organisations/{id} is a 400 that changes nothing (issue 9,
item 6): a body that is not an object, a null for a field that cannot be empty, and a
successor that would close a loop (A → A, A → B → A), through the API, the service and the
import, which share one loop check (services.follow_link)."""

from __future__ import annotations

import pytest

from jamlik.core.errors import Invalid
from jamlik.orgs import importing, services
from jamlik.orgs.models import Organisation
from tests.factories.orgs import OrganisationFactory

pytestmark = pytest.mark.django_db


def _patch(personas, organisation, body):
    return personas.api(personas.admin).patch(f"/api/v1/organisations/{organisation.pk}", body)


def _assert_400(response):
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    return body


def _row(org: Organisation) -> dict:
    org = Organisation.objects.get(pk=org.pk)
    return {f: getattr(org, f) for f in ("code", "name", "kind", "parent_id", "successor_id")}


@pytest.mark.parametrize("body", [[{"name": "Ny"}], [None, None], '"Ny"', "42"])
def test_a_body_that_is_not_an_object_is_400(personas, body):
    before = _row(personas.org_a)
    _assert_400(_patch(personas, personas.org_a, body))
    assert _row(personas.org_a) == before


@pytest.mark.parametrize("field", ["name", "code", "kind", "domains"])
def test_null_for_a_field_that_cannot_be_empty_is_400_and_unchanged(personas, field):
    before = _row(personas.org_a)
    body = _assert_400(_patch(personas, personas.org_a, {field: None}))
    assert field in {e["field"] for e in body["errors"]}
    assert _row(personas.org_a) == before


def test_null_clears_what_may_be_empty(personas):
    response = _patch(personas, personas.org_a, {"mailbox": None, "valid_to": None})
    assert response.status_code == 200, response.content
    assert response.json()["mailbox"] == ""


def test_a_field_left_out_stays(personas):
    response = _patch(personas, personas.org_a, {"name": "Förvaltning Alfa"})
    assert response.status_code == 200, response.content
    org = Organisation.objects.get(pk=personas.org_a.pk)
    assert (org.name, org.code) == ("Förvaltning Alfa", "A")


def test_successor_self_loop_is_400(personas):
    body = _assert_400(_patch(personas, personas.org_a, {"successor": personas.org_a.pk}))
    assert body["errors"][0]["field"] == "successor"
    assert _row(personas.org_a)["successor_id"] is None


def test_successor_loop_through_another_is_400(personas):
    assert _patch(personas, personas.org_a, {"successor": personas.org_b.pk}).status_code == 200
    body = _assert_400(_patch(personas, personas.org_b, {"successor": personas.org_a.pk}))
    assert body["errors"][0]["field"] == "successor"
    assert "A → B → A" in body["detail"] or "B → A → B" in body["detail"]
    assert _row(personas.org_b)["successor_id"] is None


def test_successor_chain_without_loop_is_fine(personas):
    c = OrganisationFactory(code="C", parent=personas.city)
    services.organisation_update(actor=None, organisation=personas.org_a, successor=personas.org_b)
    services.organisation_update(actor=None, organisation=personas.org_b, successor=c)
    assert _row(personas.org_b)["successor_id"] == c.pk


def test_the_service_refuses_a_longer_successor_loop(personas):
    c = OrganisationFactory(code="C", parent=personas.city)
    services.organisation_update(actor=None, organisation=personas.org_a, successor=personas.org_b)
    services.organisation_update(actor=None, organisation=personas.org_b, successor=c)
    with pytest.raises(Invalid) as raised:
        services.organisation_update(actor=None, organisation=c, successor=personas.org_a)
    assert raised.value.errors[0]["field"] == "successor"
    assert _row(c)["successor_id"] is None
    with pytest.raises(Invalid):
        services.organisation_update(
            actor=None, organisation=personas.org_a, successor=personas.org_a
        )


def test_follow_link():
    links = {"a": "b", "b": "c", "c": "a", "d": "a", "e": "f"}
    assert services.follow_link("a", links.get) == (["a", "b", "c"], ["a", "b", "c", "a"])
    assert services.follow_link("d", links.get)[1] == ["a", "b", "c", "a"]
    assert services.follow_link("e", links.get) == (["e", "f"], [])


HEADER = "code,name,kind,parent,mailbox,domains,valid_from,valid_to,successor\n"


def test_the_import_reports_a_successor_loop_per_row(db):
    content = HEADER + "A,A,unit,,,,,,B\nB,B,unit,,,,,,C\nC,C,unit,,,,,,A\nD,D,unit,,,,,,A\n"
    records = importing.read_file(content.encode(), "orgs.csv")
    report = services.organisations_import(actor=None, records=records)
    assert sorted(r.code for r in report.failed) == ["A", "B", "C"]
    assert all("slinga" in r.errors[0] or "loop" in r.errors[0] for r in report.failed)
    assert Organisation.objects.count() == 0


def test_the_import_sees_a_loop_through_the_registry(personas):
    services.organisation_update(actor=None, organisation=personas.org_a, successor=personas.org_b)
    content = HEADER + f"B,Förvaltning B,administration,{personas.city.code},,,,,A\n"
    records = importing.read_file(content.encode(), "orgs.csv")
    report = services.organisations_import(actor=None, records=records)
    assert [r.code for r in report.failed] == ["B"]
    assert _row(personas.org_b)["successor_id"] is None
