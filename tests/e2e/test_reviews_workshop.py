"""Reviews in a real browser: the organiser forms breakout groups for a workshop, moves a
person, records a group's notes and marks a milestone done; every page passes axe."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from jamlik.reviews.models import Breakout, BreakoutNotes, Milestone
from tests.e2e.conftest import assert_accessible
from tests.factories import reviews as rf
from tests.factories.orgs import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-for-browser-1"


def _login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def workshop(personas):
    personas.city_coordinator.set_password(PASSWORD)
    personas.city_coordinator.save()
    event = rf.workshop(title="Workshop för HR-specialister")
    companies = [OrganisationFactory(parent=personas.city, kind="company") for _ in range(2)]
    rf.participants(event, {personas.org_a: 2, personas.org_b: 2, companies[0]: 2, companies[1]: 2})
    review = rf.review(
        actor=personas.city_coordinator,
        title="Strategisk fördjupning MR/Jämställdhet",
        workshops=[event],
        milestones=[
            {"title": "Workshop", "due": dt.date.today() + dt.timedelta(days=5)},
            {"title": "Rapportutkast", "due": dt.date.today() + dt.timedelta(days=60)},
            {"title": "Gammalt delmål", "due": dt.date.today() - dt.timedelta(days=3)},
        ],
    )
    return event, review


def test_form_groups_move_a_person_and_record_notes(live_server, browser_page, workshop):
    event, review = workshop
    page = browser_page()
    _login(page, live_server, "stad")

    # The review with its timeline.
    page.goto(f"{live_server.url}/reviews/{review.pk}/")
    assert page.get_by_role("img", name="Tidplan för fördjupningen").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Markera ”Workshop” som klart").click()
    page.get_by_role("button", name="Öppna ”Workshop” igen").wait_for()
    workshop_milestone = Milestone.objects.get(title="Workshop")
    assert workshop_milestone.done
    # The section was swapped by htmx; the keyboard focus stays on the same toggle.
    assert page.evaluate("document.activeElement.id") == f"toggle-{workshop_milestone.pk}"
    assert_accessible(page)

    # Form the groups of the workshop.
    page.get_by_role(
        "link", name="Grupper och anteckningar från Workshop för HR-specialister"
    ).click()
    page.get_by_label("Gruppstorlek").fill("4")
    page.get_by_label("Slumptal").fill("2021")
    page.get_by_role("button", name="Bilda grupper").click()
    page.get_by_role("heading", name=re.compile(r"^Grupp 2 \(")).wait_for()
    assert "2 grupper bildades av 8 deltagare." in page.content()
    assert Breakout.objects.filter(event=event).count() == 2
    assert_accessible(page)

    # Move a person by hand with the select and the button.
    first = Breakout.objects.get(event=event, number=1).memberships.first().registration
    page.get_by_role("combobox", name="Person").select_option(str(first.pk))
    page.get_by_role("combobox", name="Till grupp").select_option("2")
    page.get_by_role("button", name="Flytta").click()
    page.get_by_text(f"{first.name} är nu i grupp 2.").wait_for()
    assert (
        Breakout.objects.get(event=event, number=2).memberships.filter(registration=first).exists()
    )

    # The printable lists.
    page.get_by_role("link", name="Grupplistor för utskrift").click()
    page.get_by_role("heading", name=re.compile(r"^Grupp 1 \(")).wait_for()
    assert_accessible(page)
    page.go_back()

    # Record the notes of group 1 with the keyboard.
    page.get_by_role("link", name="Skriv anteckningar för grupp 1").click()
    page.get_by_label("Vad som delades").fill("Erfarenheter av aktiva åtgärder och uppföljning.")
    page.get_by_label("Frågor som väcktes").fill("Hur mäter vi effekterna?")
    page.get_by_label("Önskemål om gemensamma insatser i staden").focus()
    page.keyboard.type("Gemensamma metoder och goda exempel över staden.")
    page.get_by_role("button", name="Spara anteckningarna").click()
    page.get_by_text("Anteckningarna från grupp 1 sparades.").wait_for()
    notes = BreakoutNotes.objects.get(breakout__event=event, breakout__number=1)
    assert notes.wishes == "Gemensamma metoder och goda exempel över staden."
    assert_accessible(page)

    # The browser itself stops at 10,000 characters (the server refuses more: test_pages).
    assert page.get_by_label("Vad som delades").get_attribute("maxlength") == "10000"


def test_examples_and_report_pages_are_accessible(live_server, browser_page, workshop, personas):
    _event, review = workshop
    rf.example(personas.org_a, title="Trafikkontorets rutin", review=review)
    page = browser_page(phone=True)
    _login(page, live_server, "stad")
    page.goto(f"{live_server.url}/reviews/examples/")
    page.get_by_role("searchbox", name="Sök").fill("rutin")
    page.get_by_role("button", name="Sök", exact=True).click()
    page.get_by_role("link", name="Trafikkontorets rutin").wait_for()
    assert_accessible(page)
    page.goto(f"{live_server.url}/reviews/examples/new/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/reviews/{review.pk}/report/")
    page.get_by_label("Diarienummer").fill("01326/21")
    page.get_by_role("button", name="Spara rapporten").click()
    page.get_by_text("Rapporten sparades.").wait_for()
    assert_accessible(page)
    page.goto(f"{live_server.url}/reviews/")
    assert_accessible(page)
