"""The demo review of the seed: from the workshop to the board's PDF and DOCX, idempotent."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from jamlik.core.models import User
from jamlik.demo import assessments as demo_assessments
from jamlik.demo import organisations, users
from jamlik.demo import reviews as demo_reviews
from jamlik.demo.loader import DemoResult
from jamlik.events.models import Event, Status
from jamlik.notifications.models import OutboxMessage
from jamlik.reviews import grouping, reports, services
from jamlik.reviews.models import BoardReport, Breakout, BreakoutNotes, GoodExample, Review

pytestmark = pytest.mark.django_db


def _base() -> DemoResult:
    result = DemoResult()
    result.organisations = organisations.load()
    result.logins = users.load(result.organisations)
    return result


def test_the_seed_review_runs_from_workshop_to_the_board(django_capture_on_commit_callbacks):
    result = _base()
    demo_assessments.load(result)
    with django_capture_on_commit_callbacks(execute=True):
        demo_reviews.load(result)
    counts = (
        Review.objects.count(),
        Event.objects.count(),
        Breakout.objects.count(),
        BreakoutNotes.objects.count(),
        GoodExample.objects.count(),
        BoardReport.objects.count(),
    )
    demo_reviews.load(result)  # idempotent
    assert counts == (
        Review.objects.count(),
        Event.objects.count(),
        Breakout.objects.count(),
        BreakoutNotes.objects.count(),
        GoodExample.objects.count(),
        BoardReport.objects.count(),
    )
    assert OutboxMessage.objects.count() == 0  # no mail to invented addresses

    review = Review.objects.get(title=demo_reviews.REVIEW_TITLE)
    assert [c.title for c in review.campaigns.all()] == [demo_assessments.TITLE_2019]
    milestones = list(review.milestones.all())
    assert [(m.due, m.done) for m in milestones[:3]] == [
        (dt.date(2021, 3, 26), True),
        (dt.date(2021, 6, 15), True),
        (dt.date(2021, 10, 20), True),
    ]
    assert milestones[3].due > dt.date.today() and milestones[3].status == "upcoming"

    event = review.workshops.get()
    assert event.kind == "workshop" and event.starts_at.date() == dt.date(2021, 3, 26)
    confirmed = event.registrations.filter(status=Status.CONFIRMED)
    assert 20 <= confirmed.count() <= 30
    per_org = {}
    for registration in confirmed.select_related("organisation"):
        per_org[registration.organisation.code] = per_org.get(registration.organisation.code, 0) + 1
    assert max(per_org.values()) <= 2 or per_org["TK"] == 3  # TK's third got a released seat
    assert event.links.count() == len(demo_reviews.INVITED)

    breakouts = list(Breakout.objects.filter(event=event).prefetch_related("memberships"))
    assert {b.size for b in breakouts} == {5} and {b.seed for b in breakouts} == {2021}
    groups = [[m.registration_id for m in b.memberships.all()] for b in breakouts]
    participants = services.participants_of(event)
    assert (
        grouping.same_organisation_pairs(groups, participants)
        == (grouping.minimum_same_organisation_pairs(participants, size=5))
        == 0
    )
    assert all(b.notes.wishes for b in breakouts)
    trafikkontoret = next(
        b
        for b in breakouts
        if any(m.registration.organisation.code == "TK" for m in b.memberships.all())
    )
    assert len(trafikkontoret.memberships.all()) == 5  # TK shared with four others

    report = BoardReport.objects.get(review=review)
    assert (report.diary_number, report.date) == ("01326/21", dt.date(2021, 5, 6))
    assert report.case_officer.startswith("Eva Jansson")
    # As the seed: TN-information, signed by the head of HR and the director.
    assert report.report_type == "information"
    assert [s["name"] for s in report.signatories] == ["Eva Jansson", "Kristina Lindfors"]
    assert report.case_officer_email == "eva.jansson@trafikkontoret.goteborg.se"
    city = User.objects.get(username="stad")
    data = reports.report_data(user=city, review=review)
    assert data.campaigns[0].summary.submitted > 0
    document = Document(io.BytesIO(reports.report_docx(data)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Trafiknämnden noterar informationen." in text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any("Trafikdirektör" in cell for cell in cells)  # the signature block
    assert "Gemensamma" in text or "gemensamma" in text
    assert reports.report_pdf(data).startswith(b"%PDF")


def test_without_the_assessments_demo_the_review_is_still_made():
    result = _base()
    demo_reviews.load(result)
    review = Review.objects.get(title=demo_reviews.REVIEW_TITLE)
    assert not review.campaigns.exists()
    assert any("was not found" in line for line in result.summary)
    demo_assessments.load(result)
    demo_reviews.load(result)  # a later run ties the campaign
    assert review.campaigns.get().title == demo_assessments.TITLE_2019
