"""The input models of the reviews app (docs/decisions/0022-input-models.md): one test per
rule, and the API and the pages giving the same field error for the same bad value."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation
from pydantic import ValidationError

from jamlik.core.errors import Invalid
from jamlik.core.inputs import schema_errors
from jamlik.core.validation import COMMENT_MAX, NAME_MAX, TEXT_MAX
from jamlik.reviews.grouping import MAX_SIZE, MIN_SIZE
from jamlik.reviews.inputs import (
    DIARY_NUMBER_MAX,
    EARLIEST_DUE,
    LATEST_DUE,
    MAX_MILESTONES,
    MAX_REFERENCES,
    MAX_SEED,
    BreakoutsIn,
    ExampleIn,
    ExamplePatch,
    MilestoneIn,
    MilestonePatch,
    MoveIn,
    NotesIn,
    ReportIn,
    ReviewIn,
    ReviewPatch,
)
from tests.factories import reviews as rf

D = dt.date
MILESTONE = {"title": "Workshop", "due": D(2021, 3, 26)}


def errors(model, data):
    """The field errors of ``data`` as ``{field: message}`` (the first per field)."""
    with pytest.raises(Invalid) as info:
        model.take(data)
    found: dict[str, str] = {}
    for item in info.value.errors:
        found.setdefault(item["field"], str(item["message"]))
    return found


def body_errors(model, data):
    """The same for a request body, which ninja validates with the request in the context."""
    with pytest.raises(ValidationError) as info:
        model.model_validate(data, context={"request": None})
    return {e["field"]: str(e["message"]) for e in schema_errors(info.value.errors()).errors}


# ---- Milestones ------------------------------------------------------------------------------


def test_milestone_title_is_required_and_not_blank():
    assert "title" in errors(MilestoneIn, {"due": D(2021, 1, 1)})
    assert errors(MilestoneIn, {**MILESTONE, "title": "  "}) == {
        "title": "Fältet får inte vara tomt."
    }


def test_milestone_title_has_at_most_name_max_characters():
    assert MilestoneIn.take({**MILESTONE, "title": "x" * NAME_MAX}).title == "x" * NAME_MAX
    assert "title" in errors(MilestoneIn, {**MILESTONE, "title": "x" * (NAME_MAX + 1)})


def test_milestone_due_is_required():
    assert errors(MilestoneIn, {"title": "x"}) == {"due": "Fältet måste fyllas i."}


def test_milestone_due_is_a_date_object_from_python_and_iso_text_in_a_request():
    assert errors(MilestoneIn, {**MILESTONE, "due": "2021-01-01"}) == {
        "due": "Ange ett giltigt datum (ÅÅÅÅ-MM-DD)."
    }
    assert "due" in errors(MilestoneIn, {**MILESTONE, "due": dt.datetime(2021, 1, 1, 12)})
    body = MilestoneIn.model_validate(
        {"title": "x", "due": "2021-01-01"}, context={"request": None}
    )
    assert body.due == D(2021, 1, 1)


@pytest.mark.parametrize("language,message", [("sv", "Ange ett datum mellan"), ("en", "Enter a")])
def test_milestone_due_lies_between_the_earliest_and_latest_date(language, message):
    assert MilestoneIn.take({**MILESTONE, "due": EARLIEST_DUE}).due == EARLIEST_DUE
    assert MilestoneIn.take({**MILESTONE, "due": LATEST_DUE}).due == LATEST_DUE
    with translation.override(language):
        for due in (EARLIEST_DUE - dt.timedelta(days=1), LATEST_DUE + dt.timedelta(days=1)):
            found = errors(MilestoneIn, {**MILESTONE, "due": due})
            assert found["due"].startswith(message) and "2000-01-01" in found["due"]


def test_milestone_note_has_at_most_comment_max_characters():
    assert MilestoneIn.take({**MILESTONE, "note": "x" * COMMENT_MAX}).note == "x" * COMMENT_MAX
    assert "note" in errors(MilestoneIn, {**MILESTONE, "note": "x" * (COMMENT_MAX + 1)})


def test_milestone_defaults_and_a_change_gives_only_what_was_sent():
    milestone = MilestoneIn.take(MILESTONE)
    assert milestone.done is False and milestone.note == ""
    assert MilestonePatch.take({}).given() == {}
    assert MilestonePatch.take({"done": True}).given() == {"done": True}
    assert "due" in errors(MilestonePatch, {"due": D(1999, 12, 31)})


# ---- Reviews ---------------------------------------------------------------------------------


def test_review_title_is_required_and_not_blank():
    assert errors(ReviewIn, {}) == {"title": "Fältet måste fyllas i."}
    assert "title" in errors(ReviewIn, {"title": "\t "})
    assert ReviewPatch.take({}).given() == {}


def test_review_purpose_has_at_most_text_max_characters():
    assert ReviewIn.take({"title": "x", "purpose": "x" * TEXT_MAX}).purpose == "x" * TEXT_MAX
    assert "purpose" in errors(ReviewIn, {"title": "x", "purpose": "x" * (TEXT_MAX + 1)})


def test_diary_number_has_at_most_its_own_maximum():
    fine = "x" * DIARY_NUMBER_MAX
    assert ReviewIn.take({"title": "x", "diary_number": f" {fine} "}).diary_number == fine
    assert errors(ReviewPatch, {"diary_number": fine + "x"}) == {
        "diary_number": f"Högst {DIARY_NUMBER_MAX} tecken."
    }


def test_committee_and_case_officer_are_optional_names():
    review = ReviewIn.take({"title": "x"})
    assert review.committee == review.case_officer == ""
    assert "committee" in errors(ReviewIn, {"title": "x", "committee": "x" * (NAME_MAX + 1)})
    assert "case_officer" in errors(ReviewIn, {"title": "x", "case_officer": "a\x07b"})


@pytest.mark.parametrize("field", ["campaigns", "workshops"])
def test_at_most_max_references_campaigns_and_workshops(field):
    assert len(ReviewIn.take({"title": "x", field: [1] * MAX_REFERENCES}).model_dump()[field]) == (
        MAX_REFERENCES
    )
    assert errors(ReviewIn, {"title": "x", field: [1] * (MAX_REFERENCES + 1)}) == {
        field: "För många poster."
    }
    assert field in errors(ReviewPatch, {field: [1] * (MAX_REFERENCES + 1)})


def test_at_most_max_milestones_and_each_is_checked_where_it_stands():
    many = [MILESTONE] * (MAX_MILESTONES + 1)
    assert errors(ReviewIn, {"title": "x", "milestones": many}) == {
        "milestones": "För många poster."
    }
    found = errors(ReviewIn, {"title": "x", "milestones": [MILESTONE, {"title": "y"}]})
    assert found == {"milestones.1.due": "Fältet måste fyllas i."}


# ---- Breakout groups -------------------------------------------------------------------------


def test_group_size_lies_between_min_and_max_size():
    assert BreakoutsIn.take({"size": MIN_SIZE}).size == MIN_SIZE
    assert BreakoutsIn.take({"size": MAX_SIZE}).size == MAX_SIZE
    assert errors(BreakoutsIn, {"size": MIN_SIZE - 1}) == {"size": f"Måste vara minst {MIN_SIZE}."}
    assert errors(BreakoutsIn, {"size": MAX_SIZE + 1}) == {"size": f"Får vara högst {MAX_SIZE}."}
    assert "size" in errors(BreakoutsIn, {})


@pytest.mark.parametrize("size", ["5", True, 4.0])
def test_group_size_is_a_whole_number_and_nothing_else(size):
    assert errors(BreakoutsIn, {"size": size}) == {"size": "Ange ett heltal."}


def test_seed_lies_between_zero_and_max_seed():
    assert BreakoutsIn.take({"size": 4}).seed == 0
    assert BreakoutsIn.take({"size": 4, "seed": MAX_SEED}).seed == MAX_SEED
    assert "seed" in errors(BreakoutsIn, {"size": 4, "seed": -1})
    assert "seed" in errors(BreakoutsIn, {"size": 4, "seed": MAX_SEED + 1})
    assert "seed" in errors(BreakoutsIn, {"size": 4, "seed": None})


def test_a_move_names_a_registration():
    assert errors(MoveIn, {}) == {"registration": "Fältet måste fyllas i."}


@pytest.mark.parametrize("field", ["shared", "questions", "wishes"])
def test_notes_are_optional_texts_of_at_most_text_max_characters(field):
    assert NotesIn.take({}).model_dump() == {"shared": "", "questions": "", "wishes": ""}
    assert NotesIn.take({field: "x" * TEXT_MAX}).model_dump()[field] == "x" * TEXT_MAX
    assert field in errors(NotesIn, {field: "x" * (TEXT_MAX + 1)})
    assert errors(NotesIn, {field: 12}) == {field: "Ange text."}


# ---- Good examples ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "text", "organisation"])
def test_an_example_needs_title_text_and_organisation(field):
    data = {"title": "x", "text": "y", "organisation": 1}
    del data[field]
    assert errors(ExampleIn, data) == {field: "Fältet måste fyllas i."}


def test_example_text_has_at_most_text_max_characters():
    data = {"title": "x", "organisation": 1}
    assert ExampleIn.take({**data, "text": "x" * TEXT_MAX}).text == "x" * TEXT_MAX
    assert "text" in errors(ExampleIn, {**data, "text": "x" * (TEXT_MAX + 1)})


def test_requirements_are_at_most_max_references_trimmed_without_repeats():
    data = {"title": "x", "text": "y", "organisation": 1}
    taken = ExampleIn.take({**data, "requirements": [" r1", "r2", "r1 "]})
    assert taken.requirements == ["r1", "r2"]
    keys = [f"k{i}" for i in range(MAX_REFERENCES + 1)]
    assert errors(ExampleIn, {**data, "requirements": keys}) == {
        "requirements": "För många poster."
    }
    assert "requirements" in errors(ExamplePatch, {"requirements": "r1"})
    assert ExamplePatch.take({"review": None}).given() == {"review": None}


# ---- The board report ------------------------------------------------------------------------


def test_report_date_is_a_date_or_nothing():
    assert ReportIn.take({"date": None}).date is None
    assert ReportIn.take({"date": D(2021, 5, 6)}).date == D(2021, 5, 6)
    assert "date" in errors(ReportIn, {"date": "2021-05-06"})
    assert body_errors(ReportIn, {"date": "6 maj"}) == {
        "date": "Ange ett giltigt datum (ÅÅÅÅ-MM-DD)."
    }


def test_report_texts_and_matter_fields():
    assert ReportIn.take({"summary": None}).summary == ""
    assert "summary" in errors(ReportIn, {"summary": "x" * (TEXT_MAX + 1)})
    assert "diary_number" in errors(ReportIn, {"diary_number": "x" * (DIARY_NUMBER_MAX + 1)})
    assert "committee" in errors(ReportIn, {"committee": "a\x07b"})
    assert ReportIn.take({"committee": "KS"}).given() == {"committee": "KS"}


# ---- The API and the pages say the same ------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field,value,expected",
    [
        ("title", "x" * (NAME_MAX + 1), f"Högst {NAME_MAX} tecken."),
        ("title", "   ", "Fältet får inte vara tomt."),
        ("due", "1999-12-31", "Ange ett datum mellan 2000-01-01 och 2100-12-31."),
    ],
)
def test_api_and_page_give_the_same_milestone_error(personas, field, value, expected):
    review = rf.review()
    good = {"title": "Uppföljning", "due": "2030-01-01"}
    api = personas.api(personas.city_coordinator).post(
        f"/api/v1/reviews/{review.pk}/milestones", {**good, field: value}
    )
    assert api.status_code == 400
    assert {"field": field, "message": expected} in api.json()["errors"]
    page = personas.web(personas.city_coordinator).post(
        reverse("reviews:milestone_create", args=[review.pk]),
        {f"new-{k}": v for k, v in {**good, field: value}.items()},
    )
    assert page.status_code == 200
    assert page.context["form"].errors[field] == [expected]
    assert review.milestones.count() == 2


@pytest.mark.django_db
def test_api_and_page_give_the_same_group_size_error(personas):
    event = rf.workshop()
    api = personas.api(personas.city_coordinator).post(
        f"/api/v1/events/{event.pk}/breakouts", {"size": MIN_SIZE - 1}
    )
    assert api.status_code == 400
    message = api.json()["errors"][0]
    assert message == {"field": "size", "message": f"Måste vara minst {MIN_SIZE}."}
    page = personas.web(personas.city_coordinator).post(
        reverse("reviews:breakouts", args=[event.pk]),
        {"form-size": str(MIN_SIZE - 1), "form-seed": "1"},
    )
    assert page.context["form"].errors["size"] == [message["message"]]
