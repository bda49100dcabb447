"""The input models of the events app's staff writes (docs/decisions/0022-input-models.md):
one test per rule on a model, and the API and the page giving the same error for one value."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jamlik.core.errors import Invalid
from jamlik.core.validation import MAX_COUNT, NAME_MAX, TEXT_MAX
from jamlik.events.inputs import (
    MAX_CATEGORIES,
    MAX_HOLD_HOURS,
    SPEAKERS_MAX,
    AllocationIn,
    AllocationPatch,
    EventIn,
    EventPatch,
    LinksSendIn,
    LostLinkRequest,
    MessageIn,
    SessionIn,
    SessionPatch,
)
from jamlik.events.models import Event
from tests.factories.events import EventFactory

START = timezone.make_aware(datetime(2031, 3, 26, 9, 0))


def event(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Jämlikhetskonferensen",
        "starts_at": START,
        "ends_at": START + timedelta(hours=8),
        "capacity": 100,
        "opens_at": START - timedelta(days=60),
        "quota_lock_until": START - timedelta(days=30),
        "closes_at": START - timedelta(days=1),
    }
    data.update(changes)
    return data


def session(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Nudging",
        "starts_at": START,
        "ends_at": START + timedelta(hours=1),
    }
    data.update(changes)
    return data


def errors(model: Any, data: dict[str, Any]) -> dict[str, str]:
    """The model's errors for ``data``, by field (in English)."""
    with translation.override("en"), pytest.raises(Invalid) as caught:
        model.take(data)
    return {e["field"]: str(e["message"]) for e in caught.value.errors}


# ---- EventIn -------------------------------------------------------------------------------


def test_event_fields_are_required():
    assert set(errors(EventIn, {})) == {"title", "starts_at", "ends_at", "capacity"}


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "This field cannot be blank."),
        ("   ", "This field cannot be blank."),
        ("x" * (NAME_MAX + 1), f"At most {NAME_MAX} characters."),
        ("a\x00b", "The text contains control characters that are not allowed."),
    ],
)
def test_event_title_is_a_name(title, message):
    assert errors(EventIn, event(title=title)) == {"title": message}


def test_event_description_is_at_most_a_text():
    assert errors(EventIn, event(description="x" * (TEXT_MAX + 1))) == {
        "description": f"At most {TEXT_MAX} characters."
    }


@pytest.mark.parametrize(
    ("capacity", "message"),
    [
        (0, "Must be at least 1."),
        (MAX_COUNT + 1, f"Must be at most {MAX_COUNT}."),
        ("10", "Enter a whole number."),
        (True, "Enter a whole number."),
    ],
)
def test_event_capacity_bounds(capacity, message):
    assert errors(EventIn, event(capacity=capacity)) == {"capacity": message}


def test_event_capacity_at_its_bounds_is_valid():
    assert EventIn.take(event(capacity=1)).capacity == 1
    assert EventIn.take(event(capacity=MAX_COUNT)).capacity == MAX_COUNT


@pytest.mark.parametrize(
    ("hours", "message"),
    [(0, "Must be at least 1."), (MAX_HOLD_HOURS + 1, f"Must be at most {MAX_HOLD_HOURS}.")],
)
def test_event_hold_hours_bounds(hours, message):
    assert errors(EventIn, event(approval_hold_hours=hours)) == {"approval_hold_hours": message}


@pytest.mark.parametrize(
    "categories", [[], ["robot"], ["employee"] * (MAX_CATEGORIES + 1), "employee"]
)
def test_event_categories_are_one_to_ten_known_ones(categories):
    # An unknown one is reported on its item ("categories.0").
    assert {f.split(".")[0] for f in errors(EventIn, event(categories=categories))} == {
        "categories"
    }


def test_event_categories_are_stored_once_in_the_order_of_the_choices():
    payload = EventIn.take(event(categories=["partner", "employee", "partner"]))
    assert payload.categories == ["employee", "partner"]


@pytest.mark.parametrize(("field", "value"), [("kind", "party"), ("status", "deleted")])
def test_event_kind_and_status_are_choices(field, value):
    assert errors(EventIn, event(**{field: value})) == {field: "Choose one of the allowed values."}


def test_event_flags_are_booleans():
    assert errors(EventIn, event(approval_required="yes")) == {
        "approval_required": "Enter true or false."
    }


def test_event_contact_email_is_an_address():
    assert errors(EventIn, event(contact_email="inte@")) == {
        "contact_email": "Enter a valid e-mail address."
    }


def test_event_time_without_offset_is_stockholm_time():
    payload = EventIn.take(event(starts_at="2031-03-26T09:00", ends_at="2031-03-26T17:00"))
    assert timezone.is_aware(payload.starts_at)
    assert payload.starts_at == START


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at": START}, "ends_at", "The event must end after it starts."),
        (
            {"closes_at": START - timedelta(days=60), "quota_lock_until": None},
            "closes_at",
            "Registration must close after it opens.",
        ),
        (
            {"opens_at": START + timedelta(hours=8), "quota_lock_until": None, "closes_at": None},
            "opens_at",
            "Registration must open before the event ends.",
        ),
        (
            {"closes_at": START + timedelta(hours=9)},
            "closes_at",
            "Registration cannot close after the event has ended.",
        ),
        (
            {"quota_lock_until": START - timedelta(days=61)},
            "quota_lock_until",
            "The release date cannot come before registration opens.",
        ),
        (
            {"quota_lock_until": START},
            "quota_lock_until",
            "The release date cannot come after registration closes.",
        ),
        (
            {"quota_lock_until": START + timedelta(hours=9), "closes_at": None},
            "quota_lock_until",
            "The release date cannot come after the event.",
        ),
    ],
)
def test_event_times_must_be_in_order(changes, field, message):
    found = errors(EventIn, event(**changes))
    assert found[field] == message


# ---- EventPatch ----------------------------------------------------------------------------


def test_event_change_holds_only_what_was_sent():
    assert EventPatch.take({"capacity": 5}).given() == {"capacity": 5}


def test_event_change_null_leaves_required_fields_unchanged_and_empties_texts():
    payload = EventPatch.take({"title": None, "capacity": None, "venue": None, "opens_at": None})
    assert payload.given() == {"venue": "", "opens_at": None}


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("approval_required", "Enter true or false."),
        ("waitlist_enabled", "Enter true or false."),
        ("approval_hold_hours", "Enter a whole number."),
    ],
)
def test_event_change_a_flag_or_number_cannot_be_null(field, message):
    assert errors(EventPatch, {field: None}) == {field: message}


def test_event_change_has_the_bounds_of_a_new_event():
    assert errors(EventPatch, {"capacity": 0}) == {"capacity": "Must be at least 1."}


# ---- Allocations ---------------------------------------------------------------------------


def test_allocation_name_and_quota_are_required():
    assert set(errors(AllocationIn, {})) == {"name", "quota"}


@pytest.mark.parametrize(
    ("quota", "message"),
    [(-1, "Must be at least 0."), (MAX_COUNT + 1, f"Must be at most {MAX_COUNT}.")],
)
def test_allocation_quota_bounds(quota, message):
    assert errors(AllocationIn, {"name": "A", "quota": quota}) == {"quota": message}


def test_allocation_organisations_are_integer_ids():
    assert set(errors(AllocationIn, {"name": "A", "quota": 1, "organisations": ["1"]})) == {
        "organisations.0"
    }


def test_allocation_change_null_leaves_fields_unchanged():
    payload = AllocationPatch.take({"name": None, "quota": 3, "organisations": None})
    assert payload.given() == {"quota": 3}


# ---- Sessions ------------------------------------------------------------------------------


def test_session_fields_are_required():
    assert set(errors(SessionIn, {})) == {"title", "starts_at", "ends_at"}


def test_session_must_end_after_it_starts():
    assert errors(SessionIn, session(ends_at=START)) == {
        "ends_at": "The session must end after it starts."
    }


@pytest.mark.parametrize(
    ("capacity", "message"),
    [(-1, "Must be at least 0."), (MAX_COUNT + 1, f"Must be at most {MAX_COUNT}.")],
)
def test_session_capacity_bounds(capacity, message):
    assert errors(SessionIn, session(capacity=capacity)) == {"capacity": message}


def test_session_without_capacity_has_no_limit_of_its_own():
    assert SessionIn.take(session()).capacity is None


@pytest.mark.parametrize(
    ("speakers", "message"),
    [
        ("x" * (SPEAKERS_MAX + 1), f"At most {SPEAKERS_MAX} characters."),
        ("a\x00b", "The text contains control characters that are not allowed."),
    ],
)
def test_session_speakers_rules(speakers, message):
    assert errors(SessionIn, session(speakers=speakers)) == {"speakers": message}


def test_session_change_null_leaves_required_fields_unchanged_and_empties_texts():
    payload = SessionPatch.take({"title": None, "room": None, "capacity": None})
    assert payload.given() == {"room": "", "capacity": None}


# ---- Links and messages --------------------------------------------------------------------


def test_links_send_names_organisations_by_integer_id():
    assert LinksSendIn.take({}).organisations is None
    assert set(errors(LinksSendIn, {"organisations": ["x"]})) == {"organisations.0"}


def test_lost_link_needs_an_address():
    assert errors(LostLinkRequest, {"email": "inte@"}) == {"email": "Enter a valid e-mail address."}


# ``core.inputs.field_name`` drops "body" from a location (ninja's prefix), so an error of the
# field ``body`` is reported on "__all__": these check the rule by its message.


def test_message_subject_and_body_are_required():
    found = errors(MessageIn, {})
    assert found["subject"] == "This field is required."
    assert list(found.values()) == ["This field is required."] * 2


def test_message_body_is_at_most_a_text():
    found = errors(MessageIn, {"subject": "Hej", "body": "x" * (TEXT_MAX + 1)})
    assert list(found.values()) == [f"At most {TEXT_MAX} characters."]


@pytest.mark.parametrize(("statuses", "field"), [([], "statuses"), (["cancelled"], "statuses.0")])
def test_message_statuses_are_one_to_three_active_ones(statuses, field):
    found = errors(MessageIn, {"subject": "Hej", "body": "Text", "statuses": statuses})
    assert set(found) == {field}


# ---- The API and the page say the same ------------------------------------------------------


def _page_error(response: Any, field: str) -> str:
    found = re.search(rf'id="id_{field}_error">(.*?)</p>', response.content.decode(), re.S)
    assert found, response.content.decode()
    return html.unescape(found.group(1)).strip()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "api_value", "page_value", "message"),
    [
        ("capacity", 0, "0", lambda: _("Must be at least %(n)s.") % {"n": 1}),
        (
            "approval_hold_hours",
            MAX_HOLD_HOURS + 1,
            str(MAX_HOLD_HOURS + 1),
            lambda: _("Must be at most %(n)s.") % {"n": MAX_HOLD_HOURS},
        ),
        (
            "ends_at",
            "2031-03-26T08:00:00+01:00",
            "2031-03-26T08:00",
            lambda: _("The event must end after it starts."),
        ),
    ],
)
def test_api_and_page_give_the_same_field_error(personas, field, api_value, page_value, message):
    with translation.override("sv"):
        expected = str(message())
    body = {
        "title": "Workshop",
        "starts_at": "2031-03-26T09:00:00+01:00",
        "ends_at": "2031-03-26T16:00:00+01:00",
        "capacity": 40,
        "categories": ["employee"],
        field: api_value,
    }
    response = personas.api(personas.city_coordinator).post("/api/v1/events", body)
    assert response.status_code == 400, response.content
    assert {e["field"]: e["message"] for e in response.json()["errors"]}[field] == expected
    form = {
        "title": "Workshop",
        "kind": "workshop",
        "status": "draft",
        "starts_at": "2031-03-26T09:00",
        "ends_at": "2031-03-26T16:00",
        "capacity": "40",
        "categories": ["employee"],
        "approval_hold_hours": "48",
        field: page_value,
    }
    page = personas.web(personas.city_coordinator).post("/events/new/", form)
    assert page.status_code == 400
    assert _page_error(page, field) == expected
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_api_and_page_give_the_same_session_error(personas):
    event = EventFactory()
    local = timezone.localtime(event.starts_at)
    start = local + timedelta(hours=1)
    with translation.override("sv"):
        expected = _("The session must end after it starts.")
    response = personas.api(personas.city_coordinator).post(
        f"/api/v1/events/{event.pk}/sessions",
        {"title": "Pass", "starts_at": start.isoformat(), "ends_at": start.isoformat()},
    )
    assert response.status_code == 400
    assert {e["field"]: e["message"] for e in response.json()["errors"]} == {"ends_at": expected}
    stamp = start.strftime("%Y-%m-%dT%H:%M")
    page = personas.web(personas.city_coordinator).post(
        f"/events/{event.pk}/sessions/new/",
        {"title": "Pass", "starts_at": stamp, "ends_at": stamp},
    )
    assert page.status_code == 400
    assert _page_error(page, "ends_at") == expected
