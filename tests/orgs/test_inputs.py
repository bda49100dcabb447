"""The organisation input models (orgs/inputs.py): one test per rule, and the API, the page
and the import saying the same thing about the same bad value."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from jamlik.core.errors import Invalid
from jamlik.core.validation import NAME_MAX
from jamlik.orgs import importing, services
from jamlik.orgs.inputs import MAX_DOMAINS, OrganisationIn, OrganisationPatch
from jamlik.orgs.models import Kind, Organisation

VALID = {"code": "NY", "name": "Ny förvaltning", "kind": "administration"}


def _errors(model, data) -> dict[str, str]:
    with pytest.raises(Invalid) as raised:
        model.take(data)
    return {e["field"]: str(e["message"]) for e in raised.value.errors}


def test_a_valid_organisation_is_taken_and_cleaned():
    payload = OrganisationIn.take(
        {
            **VALID,
            "name": "  Ny förvaltning ",
            "mailbox": "hr@NY.Example",
            "domains": ["NY.example", "ny.example", "b.example"],
        }
    )
    assert payload.name == "Ny förvaltning"
    assert payload.kind == Kind.ADMINISTRATION
    assert payload.mailbox == "hr@ny.example"
    assert payload.domains == ["ny.example", "b.example"]


@pytest.mark.parametrize("field", ["code", "name", "kind"])
def test_code_name_and_kind_are_required(field):
    data = {k: v for k, v in VALID.items() if k != field}
    with translation.override("en"):
        assert _errors(OrganisationIn, data)[field] == "This field is required."


def test_the_name_is_at_most_name_max_characters():
    OrganisationIn.take({**VALID, "name": "x" * NAME_MAX})
    with translation.override("en"):
        errors = _errors(OrganisationIn, {**VALID, "name": "x" * (NAME_MAX + 1)})
    assert errors["name"] == f"At most {NAME_MAX} characters."


def test_the_name_is_not_blank():
    assert "name" in _errors(OrganisationIn, {**VALID, "name": "   "})


@pytest.mark.parametrize("code", ["has space", "x" * 21, ""])
def test_the_code_is_1_to_20_letters_digits_dashes(code):
    assert "code" in _errors(OrganisationIn, {**VALID, "code": code})


def test_the_kind_is_one_of_the_kinds():
    with translation.override("en"):
        errors = _errors(OrganisationIn, {**VALID, "kind": "planet"})
    assert errors["kind"] == "Choose one of the allowed values."


def test_the_mailbox_is_an_address_or_empty():
    assert OrganisationIn.take({**VALID, "mailbox": ""}).mailbox == ""
    assert "mailbox" in _errors(OrganisationIn, {**VALID, "mailbox": "nope"})


def test_each_domain_is_a_domain():
    assert "domains.1" in _errors(OrganisationIn, {**VALID, "domains": ["a.example", "nope"]})


def test_at_most_max_domains():
    many = [f"d{n}.example" for n in range(MAX_DOMAINS + 1)]
    OrganisationIn.take({**VALID, "domains": many[:MAX_DOMAINS]})
    assert "domains" in _errors(OrganisationIn, {**VALID, "domains": many})


def test_parents_by_id_or_instance():
    assert OrganisationIn.take({**VALID, "parent": 7}).parent == 7
    assert OrganisationIn.take({**VALID, "successor": Organisation(pk=8)}).successor == 8
    assert "parent" in _errors(OrganisationIn, {**VALID, "parent": "abc"})


@pytest.mark.parametrize("model", [OrganisationIn, OrganisationPatch])
def test_the_end_date_does_not_come_before_the_start(model):
    data = {**VALID, "valid_from": dt.date(2021, 2, 1)}
    model.take({**data, "valid_to": dt.date(2021, 2, 1)})
    with translation.override("en"):
        errors = _errors(model, {**data, "valid_to": dt.date(2021, 1, 31)})
    assert errors == {"valid_to": "The end date comes before the start date."}


def test_a_patch_holds_only_what_was_sent():
    assert OrganisationPatch.take({"name": "Nytt"}).given() == {"name": "Nytt"}
    assert OrganisationPatch.take({"mailbox": None}).given() == {"mailbox": ""}


@pytest.mark.parametrize("field", ["code", "name", "kind", "domains"])
def test_a_patch_refuses_null_where_a_value_is_needed(field):
    assert field in _errors(OrganisationPatch, {field: None})


@pytest.mark.django_db
def test_the_service_checks_a_sent_date_against_the_stored_one(personas):
    services.organisation_update(
        actor=None, organisation=personas.org_a, valid_from=dt.date(2021, 1, 1)
    )
    with pytest.raises(Invalid) as raised:
        services.organisation_update(
            actor=None, organisation=personas.org_a, valid_to=dt.date(2020, 1, 1)
        )
    assert raised.value.errors[0]["field"] == "valid_to"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("code", "bad code"), ("name", "x" * (NAME_MAX + 1)), ("valid_to", "2020-01-01")],
)
def test_the_api_and_the_page_give_the_same_error(personas, field, value):
    body = {**VALID, "valid_from": "2021-01-01", field: value}
    answer = personas.api(personas.admin).post("/api/v1/organisations", body).json()
    api_message = {e["field"]: e["message"] for e in answer["errors"]}[field]

    page = personas.web(personas.admin).post("/organisations/new/", body)
    assert page.status_code == 200
    assert page.context["form"].errors[field] == [api_message]
    assert not Organisation.objects.filter(code__in=["NY", "bad code"]).exists()


@pytest.mark.django_db
def test_a_bad_domain_lands_on_the_pages_domains_box(personas):
    body = {**VALID, "domains": "ok.example not_a_domain"}
    page = personas.web(personas.admin).post("/organisations/new/", body)
    assert page.status_code == 200
    assert "not_a_domain" in page.context["form"].errors["domains"][0]


@pytest.mark.django_db
def test_the_import_reports_the_models_message_per_row(db):
    header = "code,name,kind,mailbox\n"
    content = (
        header + "OK,x,unit,\nbad code,Namn,unit,\nQ,Namn,planet,\nR,Namn,unit,nope\n"
    ).encode()
    with translation.override("en"):
        report = services.organisations_import(
            actor=None, records=importing.read_file(content, "o.csv")
        )
        code_message = _errors(OrganisationIn, {**VALID, "code": "bad code"})["code"]
        mailbox_message = _errors(OrganisationIn, {**VALID, "mailbox": "nope"})["mailbox"]
    failed = {row.line: row.errors for row in report.failed}
    assert failed == {
        3: [f"code: {code_message}"],
        4: ["kind: “planet” is not one of " + ", ".join(Kind.values) + "."],
        5: [f"mailbox: {mailbox_message}"],
    }
