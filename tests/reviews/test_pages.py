"""The reviews pages: they render in Swedish, show what the role may see, change only what
the role may change, and keep their query counts flat."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jamlik.reviews import services
from jamlik.reviews.models import BoardReport, Breakout, BreakoutNotes, GoodExample, Review
from jamlik.reviews.timeline import timeline_svg
from tests.factories import assessments as af
from tests.factories import reviews as rf
from tests.factories.orgs import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(personas):
    workshop = rf.workshop(title="Workshop HR")
    rf.participants(workshop, {personas.org_a: 2, personas.org_b: 2})
    return rf.review(title="Fördjupning MR", workshops=[workshop])


@pytest.fixture
def city(personas):
    return personas.web(personas.city_coordinator)


def test_anonymous_visitors_are_sent_to_login(personas, review):
    for url in [
        reverse("reviews:list"),
        reverse("reviews:detail", args=[review.pk]),
        reverse("reviews:examples"),
        reverse("reviews:breakouts", args=[review.workshops.get().pk]),
    ]:
        response = personas.web().get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_list_and_detail_in_swedish(city, review):
    listing = city.get(reverse("reviews:list"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Fördjupningar" in html and "Fördjupning MR" in html and "Workshop HR" in html
    detail = city.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert 'role="img"' in detail and "<title id=" in detail and "<desc id=" in detail
    assert "Rapportutkast" in detail and "Klart" in detail  # the workshop milestone is done
    assert "Markera ”Rapportutkast” som klart" in detail
    assert "Skapa rapport (DOCX)" in detail


def test_timeline_tells_status_by_shape_and_text():
    class M:
        def __init__(self, pk, title, due, done=False):
            self.pk, self.title, self.due, self.done, self.order = pk, title, due, done, 0

        def status_on(self, today):
            from jamlik.reviews.models import milestone_status

            return milestone_status(due=self.due, done=self.done, today=today)

    today = dt.date(2021, 6, 10)
    svg = str(
        timeline_svg(
            [
                M(1, "Workshop", dt.date(2021, 3, 26), done=True),
                M(2, "Rapportutkast", dt.date(2021, 6, 15)),
                M(3, "Gammalt", dt.date(2021, 5, 1)),
                M(4, "KS <b>", dt.date(2021, 10, 20)),
            ],
            today=today,
            title="Tidplan",
        )
    )
    assert svg.count("<circle") >= 2 and "<rect" in svg and "<path" in svg
    for word in ["Klart", "Snart", "Försenat", "Kommande", "I dag 2021-06-10"]:
        assert word in svg
    assert "KS &lt;b&gt;" in svg and "<b>" not in svg
    assert "2021-03-26 Workshop: Klart" in svg  # the description reads it in words
    assert str(timeline_svg([], today=today, title="Tom")).count("<desc") == 1


def test_milestone_toggle_page_and_htmx(city, review):
    milestone = review.milestones.get(title="Rapportutkast")
    url = reverse("reviews:milestone_toggle", args=[review.pk, milestone.pk])
    response = city.post(url, {"done": "1"})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done
    fragment = city.post(url, {"done": "0"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.content.decode().startswith('<section id="milestones"')
    milestone.refresh_from_db()
    assert not milestone.done


def test_org_coordinators_read_but_do_not_change(personas, review):
    web = personas.web(personas.coordinator_a)
    detail = web.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert "Markera" not in detail and "Skapa rapport (DOCX)" not in detail
    milestone = review.milestones.first()
    toggle = reverse("reviews:milestone_toggle", args=[review.pk, milestone.pk])
    assert web.post(toggle, {"done": "1"}).status_code == 403
    assert web.get(reverse("reviews:create")).status_code == 403
    assert web.get(reverse("reviews:report", args=[review.pk])).status_code == 403
    assert web.get(reverse("reviews:report_pdf", args=[review.pk])).status_code == 403


def test_create_review_with_milestones(city, personas):
    campaign = af.campaign(organisations=[personas.org_a], title="Självskattning 2019")
    data = {
        "title": "Ny fördjupning",
        "purpose": "",
        "campaigns": [campaign.pk],
        "committee": "Kommunstyrelsen",
        "diary_number": "",
        "case_officer": "",
        "owner": "",
        "milestones-TOTAL_FORMS": "4",
        "milestones-INITIAL_FORMS": "0",
        "milestones-0-title": "Workshop",
        "milestones-0-due": "2021-03-26",
        "milestones-1-title": "",
        "milestones-1-due": "",
        "milestones-2-title": "",
        "milestones-2-due": "",
        "milestones-3-title": "",
        "milestones-3-due": "",
    }
    response = city.post(reverse("reviews:create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    review = Review.objects.get(title="Ny fördjupning")
    assert list(review.campaigns.all()) == [campaign]
    assert [m.title for m in review.milestones.all()] == ["Workshop"]
    bad = city.post(reverse("reviews:create"), {**data, "title": "", "milestones-1-title": "X"})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert 'aria-invalid="true"' in html and "Ange datum." in html
    assert Review.objects.count() == 1


def test_breakout_page_forms_moves_and_prints(city, review, personas):
    event = review.workshops.get()
    url = reverse("reviews:breakouts", args=[event.pk])
    page = city.get(url).content.decode()
    assert "Inga grupper har bildats ännu." in page
    response = city.post(url, {"form-size": "2", "form-seed": "5"})
    assert response.status_code == 302
    assert Breakout.objects.filter(event=event).count() == 2
    page = city.get(url).content.decode()
    assert "Grupp 1" in page and "Förvaltning A" in page and "slumptal 5" in page
    bad = city.post(url, {"form-size": "1", "form-seed": "5"})
    assert bad.status_code == 200 and "aria-invalid" in bad.content.decode()
    person = event.registrations.first()
    moved = city.post(
        reverse("reviews:breakout_move", args=[event.pk]),
        {"move-registration": person.pk, "move-number": "2"},
    )
    assert moved.status_code == 302
    assert (
        Breakout.objects.get(event=event, number=2).memberships.filter(registration=person).exists()
    )
    printed = city.get(reverse("reviews:breakouts_print", args=[event.pk])).content.decode()
    assert "print-lists" in printed and "Grupplistor" in printed


def test_notes_page(city, review, personas):
    event = review.workshops.get()
    services.breakouts_form(actor=None, event=event, size=2)
    url = reverse("reviews:breakout_notes", args=[event.pk, 1])
    assert "Vad som delades" in city.get(url).content.decode()
    response = city.post(url, {"shared": "Aktiva åtgärder", "questions": "", "wishes": "Metod"})
    assert response.status_code == 302
    assert BreakoutNotes.objects.get().shared == "Aktiva åtgärder"
    too_long = city.post(url, {"shared": "x" * 10_001, "questions": "", "wishes": ""})
    assert too_long.status_code == 200 and "10000" in too_long.content.decode().replace(
        "\xa0", ""
    ).replace(" ", "")
    assert city.get(reverse("reviews:breakout_notes", args=[event.pk, 99])).status_code == 404
    coordinator = personas.web(personas.coordinator_a)
    assert "Aktiva åtgärder" in coordinator.get(url).content.decode()
    assert coordinator.post(url, {"shared": "x"}).status_code == 403


def test_breakout_page_shows_coordinators_only_their_people(personas, review):
    event = review.workshops.get()
    services.breakouts_form(actor=None, event=event, size=4)
    a_names = list(
        event.registrations.filter(organisation=personas.org_a).values_list("name", flat=True)
    )
    b_names = list(
        event.registrations.filter(organisation=personas.org_b).values_list("name", flat=True)
    )
    page = (
        personas.web(personas.coordinator_a)
        .get(reverse("reviews:breakouts", args=[event.pk]))
        .content.decode()
    )
    assert all(name in page for name in a_names)
    assert not any(name in page for name in b_names)
    assert "2 personer från andra verksamheter" in page
    assert "Bilda grupper" not in page


def test_examples_pages(city, personas, without_builtin_frameworks):
    af.framework()
    rf.example(personas.org_a, title="Rutin för anmälan", requirement_keys=["r1"])
    rf.example(personas.org_b, title="Lönekartläggning")
    listing = city.get(reverse("reviews:examples"), {"q": "rutin"}).content.decode()
    assert "Rutin för anmälan" in listing and "Lönekartläggning" not in listing
    by_key = city.get(reverse("reviews:examples"), {"requirement": "r1"}).content.decode()
    assert "Rutin för anmälan" in by_key and "Lönekartläggning" not in by_key
    response = city.post(
        reverse("reviews:example_create"),
        {
            "title": "Nytt",
            "text": "Text",
            "organisation": personas.org_a.pk,
            "requirement_keys": ["r3"],
        },
    )
    assert response.status_code == 302
    assert GoodExample.objects.get(title="Nytt").requirement_keys == ["r3"]
    coordinator = personas.web(personas.coordinator_b)
    create = coordinator.get(reverse("reviews:example_create")).content.decode()
    assert "Förvaltning B" in create and "Förvaltning A" not in create
    a_example = GoodExample.objects.get(title="Nytt")
    assert coordinator.get(reverse("reviews:example_edit", args=[a_example.pk])).status_code == 404


def test_report_editor_saves(city, review):
    url = reverse("reviews:report", args=[review.pk])
    page = city.get(url).content.decode()
    assert "Förslag till beslut" in page and "Ekologisk dimension" in page
    data = {
        "committee": "Trafiknämnden",
        "date": "2021-05-06",
        "diary_number": "01326/21",
        "case_officer": "Eva Jansson",
        "summary": "Sammanfattning",
    }
    assert city.post(url, data).status_code == 302
    report = BoardReport.objects.get(review=review)
    assert report.date == dt.date(2021, 5, 6) and report.case_officer == "Eva Jansson"
    # The direct address starts the report's job and shows its progress.
    started = city.get(reverse("reviews:report_docx", args=[review.pk]))
    assert started.status_code == 303 and started["Location"].startswith("/jobb/")


def test_requirement_panel_on_the_results_page(personas):
    from jamlik.assessments.panels import requirement_panels

    af.framework()
    rf.example(personas.org_a, title="Rutin för anmälan", requirement_keys=["r1"])

    class Request:
        user = personas.coordinator_b

    panels = requirement_panels(request=Request(), campaign=None, keys=["r1", "r2"])
    assert "Rutin för anmälan" in panels["r1"][0]
    assert "Dela ett" in panels["r2"][0]


def test_page_query_counts(city, personas, django_assert_max_num_queries):
    event = rf.workshop(capacity=1000)
    orgs = [OrganisationFactory(parent=personas.city) for _ in range(10)]
    rf.bulk_participants(event, [personas.org_a, *orgs], 250)
    services.breakouts_form(actor=None, event=event, size=5)
    for _i in range(20):
        rf.review(
            workshops=[event],
            milestones=[{"title": f"M{j}", "due": dt.date(2021, j + 1, 1)} for j in range(6)],
        )
    for i in range(100):
        GoodExample.objects.create(title=f"Exempel {i}", text="t", organisation=orgs[i % 10])
    review = Review.objects.first()
    urls = {
        reverse("reviews:list"): 14,
        reverse("reviews:detail", args=[review.pk]): 14,
        reverse("reviews:breakouts", args=[event.pk]): 16,
        reverse("reviews:breakouts_print", args=[event.pk]): 16,
        reverse("reviews:examples"): 12,
    }
    for url, limit in urls.items():
        with django_assert_max_num_queries(limit):
            assert city.get(url).status_code == 200, url
    coordinator = personas.web(personas.coordinator_a)
    with django_assert_max_num_queries(16):
        assert coordinator.get(reverse("reviews:breakouts", args=[event.pk])).status_code == 200


def test_good_examples_appear_beside_weak_requirements_on_the_results_page(
    city, personas, monkeypatch
):
    from jamlik.assessments import chartrules
    from jamlik.assessments.models import Response

    # Two units answer here; the weakest list names requirements from enough answers only.
    monkeypatch.setattr(chartrules, "MIN_ANSWERS_FOR_RANKING", 1)
    campaign = af.campaign(organisations=[personas.org_a, personas.org_b])
    for response in Response.objects.filter(campaign=campaign):
        af.submit(response, {"r1": "no", "r2": "1", "r3": "partly"})
    rf.example(personas.org_b, title="Så gör vi i B", requirement_keys=["r1"])
    page = city.get(reverse("assessments:campaign_results", args=[campaign.pk])).content.decode()
    assert "Så gör vi i B" in page
    assert "Dela ett" in page  # requirements without an example invite one


def test_report_queries_do_not_grow_with_groups_notes_and_examples(
    personas, django_assert_max_num_queries
):
    from jamlik.reviews import reports

    event = rf.workshop(capacity=1000)
    orgs = [OrganisationFactory(parent=personas.city) for _ in range(10)]
    rf.bulk_participants(event, orgs, 200)
    breakouts = services.breakouts_form(actor=None, event=event, size=5)
    for breakout in breakouts:
        services.breakout_notes_save(actor=None, breakout=breakout, shared="Delat", wishes="Metod")
    campaign = af.campaign(organisations=[personas.org_a])
    review = rf.review(workshops=[event], campaigns=[campaign])
    for i in range(60):
        rf.example(orgs[i % 10], title=f"Exempel {i}", review=review)
    review = Review.objects.get(pk=review.pk)
    with django_assert_max_num_queries(20):
        data = reports.report_data(user=personas.admin, review=review)
        reports.report_html(data)
        reports.report_docx(data)
    assert len(data.workshops[0].notes) == 40 and len(data.examples) == 60


def test_a_conflict_from_the_service_is_shown_on_the_form(city, review, monkeypatch):
    def refuse(**kwargs):
        raise services.NotesRecorded("Rapporten är låst för ändringar.")

    monkeypatch.setattr("jamlik.reviews.services.board_report_save", refuse)
    reply = city.post(
        reverse("reviews:report", args=[review.pk]),
        {"committee": "Trafiknämnden", "date": "2021-05-06", "summary": "Sammanfattning"},
    )
    assert reply.status_code == 409
    html = reply.content.decode()
    assert "Rapporten är låst för ändringar." in html and "Förslag till beslut" in html
    assert not BoardReport.objects.filter(review=review).exists()
