"""The user input models (core/user_inputs.py): one test per rule, and the API and the
service saying the same thing about the same bad value (no page creates or changes users;
the Django admin does, through ``services.user_update``)."""

from __future__ import annotations

import pytest
from django.utils import translation

from jamlik.core import services
from jamlik.core.errors import Invalid
from jamlik.core.models import Role, User
from jamlik.core.user_inputs import UserIn, UserPatch
from jamlik.core.validation import EMAIL_MAX, NAME_MAX
from jamlik.orgs.models import Organisation

VALID = {"username": "ny_person", "role": "city_coordinator"}


def _errors(model, data) -> dict[str, str]:
    with pytest.raises(Invalid) as raised:
        model.take(data)
    return {e["field"]: str(e["message"]) for e in raised.value.errors}


def test_a_valid_user_is_taken_and_cleaned():
    payload = UserIn.take({**VALID, "name": " Ny Person ", "email": "ny@Stad.Example"})
    assert (payload.name, payload.email, payload.role) == (
        "Ny Person",
        "ny@stad.example",
        Role.CITY_COORDINATOR,
    )


@pytest.mark.parametrize("field", ["username", "role"])
def test_username_and_role_are_required(field):
    data = {k: v for k, v in VALID.items() if k != field}
    with translation.override("en"):
        assert _errors(UserIn, data)[field] == "This field is required."


def test_the_username_is_at_most_150_characters_of_the_login_alphabet():
    UserIn.take({**VALID, "username": "x" * 150})
    assert "username" in _errors(UserIn, {**VALID, "username": "x" * 151})
    assert "username" in _errors(UserIn, {**VALID, "username": "två ord"})
    assert UserIn.take({**VALID, "username": "åsa.öberg@stad"}).username == "åsa.öberg@stad"


def test_the_name_is_at_most_name_max_characters():
    UserIn.take({**VALID, "name": "x" * NAME_MAX})
    with translation.override("en"):
        errors = _errors(UserIn, {**VALID, "name": "x" * (NAME_MAX + 1)})
    assert errors["name"] == f"At most {NAME_MAX} characters."


def test_the_email_is_an_address_or_empty():
    assert UserIn.take(VALID).email == ""
    assert "email" in _errors(UserIn, {**VALID, "email": "nope"})
    assert "email" in _errors(UserIn, {**VALID, "email": "a@" + "b" * EMAIL_MAX + ".se"})


def test_the_role_is_one_of_the_roles():
    with translation.override("en"):
        errors = _errors(UserIn, {**VALID, "role": "superhero"})
    assert errors["role"] == "Choose one of the allowed values."


def test_an_org_coordinator_belongs_to_an_organisation():
    data = {**VALID, "role": "org_coordinator"}
    with translation.override("en"):
        errors = _errors(UserIn, data)
    assert errors == {"organisation": "An organisation coordinator must belong to an organisation."}
    assert UserIn.take({**data, "organisation": 5}).organisation == 5
    assert UserIn.take({**data, "organisation": Organisation(pk=6)}).organisation == 6


def test_a_patch_holds_only_what_was_sent():
    assert UserPatch.take({"name": "Nytt"}).given() == {"name": "Nytt"}
    assert UserPatch.take({"organisation": None}).given() == {"organisation": None}


def test_a_patch_refuses_unknown_fields_and_null_where_a_value_is_needed():
    with translation.override("en"):
        assert _errors(UserPatch, {"is_superuser": True}) == {"is_superuser": "Unknown field."}
    assert "role" in _errors(UserPatch, {"role": None})
    assert "is_active" in _errors(UserPatch, {"is_active": None})


@pytest.mark.django_db
def test_the_service_checks_a_role_change_against_the_stored_organisation(personas):
    with pytest.raises(Invalid) as raised:
        services.user_update(
            actor=None, user=personas.city_coordinator, values={"role": "org_coordinator"}
        )
    assert raised.value.errors[0]["field"] == "organisation"
    personas.city_coordinator.refresh_from_db()
    assert personas.city_coordinator.role == Role.CITY_COORDINATOR


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "nope"), ("name", "x" * (NAME_MAX + 1)), ("username", "två ord")],
)
def test_the_api_and_the_service_give_the_same_error(personas, field, value):
    body = {**VALID, field: value}
    answer = personas.api(personas.admin).post("/api/v1/users", body).json()
    api_message = {e["field"]: e["message"] for e in answer["errors"]}[field]
    with translation.override("sv"), pytest.raises(Invalid) as raised:
        services.user_create(actor=personas.admin, **body)
    assert {e["field"]: str(e["message"]) for e in raised.value.errors}[field] == api_message
    assert not User.objects.filter(username__in=["ny_person", "två ord"]).exists()
