"""Coordinator pages of campaigns: list, create and edit, the campaign page with completion
bars, responses and respondent links, invitations and reminders. Scoped, Swedish, bad input
refused, query counts flat on hundreds of units."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from jamlik.assessments.models import Campaign, Response, ResponseStatus
from tests.factories import assessments as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(personas):
    return f.campaign(organisations=[personas.org_a, personas.org_b], title="Självskattning 2021")


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def create_data(personas, **overrides):
    now = timezone.now()
    data = {
        "title": "Självskattning arbetsmiljö 2025",
        "framework": f.framework("9").pk,
        "organisations": [personas.org_a.pk, personas.org_b.pk],
        "opens_at": local(now),
        "closes_at": local(now + dt.timedelta(days=30)),
        "reminder_interval_days": "7",
    }
    data.update(overrides)
    return data


def test_nav_entry_and_list_in_swedish(personas, campaign):
    web = personas.web(personas.coordinator_a)
    page = web.get("/assessments/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Självskattningar" in html and 'href="/assessments/"' in html
    assert "Självskattning 2021" in html and "Öppen" in html
    assert "Ny omgång" not in html  # only city coordinators create campaigns
    assert (
        "Ny omgång" in personas.web(personas.city_coordinator).get("/assessments/").content.decode()
    )


def test_org_coordinator_sees_only_campaigns_reaching_their_subtree(personas, campaign):
    only_b = f.campaign(organisations=[personas.org_b], title="Bara B")
    html = personas.web(personas.coordinator_a).get("/assessments/").content.decode()
    assert "Självskattning 2021" in html and "Bara B" not in html
    web = personas.web(personas.coordinator_a)
    for url in (
        f"/assessments/campaigns/{only_b.pk}/",
        f"/assessments/campaigns/{only_b.pk}/results/",
        f"/assessments/campaigns/{only_b.pk}/export.xlsx",
        f"/assessments/campaigns/{only_b.pk}/report.pdf",
    ):
        assert web.get(url).status_code == 404, url
    assert web.post(f"/assessments/campaigns/{only_b.pk}/invite/").status_code == 404
    assert web.post(f"/assessments/campaigns/{only_b.pk}/remind/").status_code == 404


def test_anonymous_is_sent_to_login(campaign):
    from django.test import Client

    client = Client()
    for url in (
        "/assessments/",
        "/assessments/campaigns/new/",
        f"/assessments/campaigns/{campaign.pk}/",
        f"/assessments/campaigns/{campaign.pk}/results/",
        "/assessments/actions/",
    ):
        reply = client.get(url)
        assert reply.status_code == 302 and reply["Location"].startswith("/login/"), url


def test_city_coordinator_creates_a_campaign(personas):
    web = personas.web(personas.city_coordinator)
    form = web.get("/assessments/campaigns/new/")
    assert form.status_code == 200
    html = form.content.decode()
    assert "<fieldset" in html and "Förvaltning A" in html and 'type="datetime-local"' in html
    reply = web.post("/assessments/campaigns/new/", create_data(personas))
    assert reply.status_code == 302
    campaign = Campaign.objects.get(title="Självskattning arbetsmiljö 2025")
    assert reply["Location"] == f"/assessments/campaigns/{campaign.pk}/"
    assert set(campaign.responses.values_list("unit__code", flat=True)) == {"A1", "B1"}
    assert campaign.reminder_interval_days == 7


def test_org_coordinator_may_not_create_or_edit(personas, campaign):
    web = personas.web(personas.coordinator_a)
    assert web.get("/assessments/campaigns/new/").status_code == 403
    assert web.post("/assessments/campaigns/new/", create_data(personas)).status_code == 403
    assert web.get(f"/assessments/campaigns/{campaign.pk}/edit/").status_code == 403
    assert Campaign.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field_text"),
    [
        ({"title": ""}, "får inte vara tomt"),
        ({"title": " \t "}, "styrtecken"),
        ({"title": "x" * 201}, "200"),
        ({"title": "x" * 1_000_000}, "200"),
        ({"title": "a\x00b"}, "styrtecken"),
        ({"organisations": []}, "Organisationer"),
        ({"organisations": [999999]}, "giltigt alternativ"),
        ({"framework": "999999"}, "giltigt alternativ"),
        ({"framework": "abc"}, "giltigt alternativ"),
        ({"opens_at": "not a date"}, "Öppnar"),
        ({"closes_at": "2020-01-01T00:00"}, "stänga efter"),
        ({"reminder_interval_days": "-1"}, "Påminnelseintervall"),
        ({"reminder_interval_days": "10000"}, "Påminnelseintervall"),
        ({"reminder_interval_days": "1e3"}, "Påminnelseintervall"),
    ],
)
def test_bad_input_on_create_changes_nothing(personas, overrides, field_text):
    web = personas.web(personas.city_coordinator)
    reply = web.post("/assessments/campaigns/new/", create_data(personas, **overrides))
    assert reply.status_code == 400
    html = reply.content.decode()
    assert 'role="alert"' in html and field_text in html
    assert Campaign.objects.count() == 0


def test_org_coordinator_cannot_name_other_organisations_when_city_creates(personas):
    # The choices offered to an org coordinator never include B (they cannot create anyway);
    # a city coordinator's form offers every organisation above unit level.
    web = personas.web(personas.city_coordinator)
    html = web.get("/assessments/campaigns/new/").content.decode()
    assert "Förvaltning B" in html and "Enhet A1" not in html


def test_edit_changes_title_dates_and_interval_but_not_scope(personas, campaign):
    web = personas.web(personas.city_coordinator)
    page = web.get(f"/assessments/campaigns/{campaign.pk}/edit/")
    assert page.status_code == 200 and "disabled" in page.content.decode()
    data = create_data(personas, title="Nytt namn", reminder_interval_days="3")
    data["organisations"] = [personas.org_a.pk]  # ignored: the scope is fixed
    reply = web.post(f"/assessments/campaigns/{campaign.pk}/edit/", data)
    assert reply.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Nytt namn" and campaign.reminder_interval_days == 3
    assert campaign.responses.count() == 2
    bad = web.post(
        f"/assessments/campaigns/{campaign.pk}/edit/",
        create_data(personas, closes_at="2000-01-01T00:00"),
    )
    assert bad.status_code == 400
    campaign.refresh_from_db()
    assert campaign.title == "Nytt namn"


def test_detail_shows_progress_bars_with_text_and_links(personas, campaign):
    f.submit(campaign.responses.get(unit=personas.unit_a))
    web = personas.web(personas.city_coordinator)
    page = web.get(f"/assessments/campaigns/{campaign.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 av 1 enhet" in html and "0 av 1 enhet" in html
    assert "Hela staden" in html and "1 av 2 enheter (50,0\u00a0%)" in html
    assert 'aria-hidden="true"' in html  # the bar itself is decoration
    for response in campaign.responses.all():
        assert f"/s/{response.token}" in html
    assert "Skicka inbjudningar" in html and "Skicka påminnelser" in html


def test_detail_for_org_coordinator_holds_only_their_units(personas, campaign):
    web = personas.web(personas.coordinator_a)
    html = web.get(f"/assessments/campaigns/{campaign.pk}/").content.decode()
    a, b = (
        campaign.responses.get(unit=personas.unit_a),
        campaign.responses.get(unit=personas.unit_b),
    )
    assert a.token in html and "Enhet A1" in html
    assert b.token not in html and "Enhet B1" not in html and "Förvaltning B" not in html
    assert "Din organisation totalt" in html
    # Filtering by B is refused, not answered with B's units.
    reply = web.get(f"/assessments/campaigns/{campaign.pk}/", {"organisation": personas.org_b.pk})
    assert reply.status_code == 400
    assert b.token not in reply.content.decode()


def test_filters_by_status_and_organisation(personas, campaign):
    f.submit(campaign.responses.get(unit=personas.unit_a))
    web = personas.web(personas.city_coordinator)
    url = f"/assessments/campaigns/{campaign.pk}/"
    submitted = web.get(url, {"status": "submitted"}).content.decode()
    assert "Enhet A1" in submitted and ">Enhet B1<" not in submitted
    only_b = web.get(url, {"organisation": personas.org_b.pk}).content.decode()
    assert ">Enhet B1<" in only_b and ">Enhet A1<" not in only_b
    for bad in (
        {"status": "nonsense"},
        {"organisation": "abc"},
        {"organisation": "99999999999999999999"},
    ):
        assert web.get(url, bad).status_code == 400, bad


def test_invite_and_remind_through_the_outbox(
    personas, campaign, django_capture_on_commit_callbacks
):
    personas.unit_a.mailbox = "enhet-a1@a.example"
    personas.unit_a.save()
    personas.unit_b.mailbox = "enhet-b1@b.example"
    personas.unit_b.save()
    web = personas.web(personas.coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        reply = web.post(f"/assessments/campaigns/{campaign.pk}/invite/", follow=True)
    assert reply.status_code == 200
    assert "1 inbjudan ligger i kö" in reply.content.decode()
    assert [m.to for m in mail.outbox] == [["enhet-a1@a.example"]]
    with django_capture_on_commit_callbacks(execute=True):
        again = web.post(f"/assessments/campaigns/{campaign.pk}/remind/", follow=True)
    assert "Ingen påminnelse skickades" in again.content.decode()
    bad = web.post(
        f"/assessments/campaigns/{campaign.pk}/invite/", {"organisations": [personas.org_b.pk]}
    )
    assert bad.status_code == 400
    assert len(mail.outbox) == 1


def test_invite_on_closed_campaign_is_refused(personas):
    now = timezone.now()
    closed = f.campaign(
        organisations=[personas.org_a],
        opens_at=now - dt.timedelta(days=20),
        closes_at=now - dt.timedelta(days=1),
    )
    web = personas.web(personas.city_coordinator)
    page = web.get(f"/assessments/campaigns/{closed.pk}/").content.decode()
    assert "Skicka inbjudningar" not in page
    assert web.post(f"/assessments/campaigns/{closed.pk}/invite/").status_code == 409


def test_unknown_or_huge_ids_are_404(personas):
    web = personas.web(personas.city_coordinator)
    for url in (
        "/assessments/campaigns/999999/",
        "/assessments/campaigns/99999999999999999999999/",
        "/assessments/responses/999999/",
        "/assessments/responses/99999999999999999999999/",
        "/assessments/actions/999999/edit/",
    ):
        assert web.get(url).status_code == 404, url


def test_english_when_asked(personas, campaign):
    web = personas.web(personas.city_coordinator)
    web.cookies["django_language"] = "en"
    html = web.get(f"/assessments/campaigns/{campaign.pk}/").content.decode()
    assert "Send invitations" in html and "The whole city" in html


def test_query_counts_with_hundreds_of_units(personas, django_assert_max_num_queries):
    f.many_units(personas.org_a, 200)
    f.many_units(personas.org_b, 150)
    campaign = f.campaign(organisations=[personas.org_a, personas.org_b])
    f.answer_in_bulk(campaign, submitted_every=2)
    f.campaign(organisations=[personas.org_a], title="Andra")
    assert Response.objects.filter(campaign=campaign).count() == 352
    for user in (personas.city_coordinator, personas.coordinator_a):
        web = personas.web(user)
        with django_assert_max_num_queries(10):
            assert web.get("/assessments/").status_code == 200
        with django_assert_max_num_queries(14):
            page = web.get(f"/assessments/campaigns/{campaign.pk}/")
        assert page.status_code == 200
        with django_assert_max_num_queries(14):
            assert (
                web.get(
                    f"/assessments/campaigns/{campaign.pk}/", {"status": "submitted", "page": "3"}
                ).status_code
                == 200
            )
    assert campaign.responses.filter(status=ResponseStatus.SUBMITTED).count() == 176


def test_a_conflict_from_the_service_is_shown_on_the_form(personas, campaign, monkeypatch):
    from jamlik.assessments.services import NotOpen

    def refuse(**kwargs):
        raise NotOpen("Kampanjen är stängd.")

    monkeypatch.setattr("jamlik.assessments.services.campaign_update", refuse)
    web = personas.web(personas.city_coordinator)
    reply = web.post(
        f"/assessments/campaigns/{campaign.pk}/edit/", create_data(personas, title="Nytt namn")
    )
    assert reply.status_code == 409
    html = reply.content.decode()
    assert "Kampanjen är stängd." in html and 'name="title"' in html
    campaign.refresh_from_db()
    assert campaign.title == "Självskattning 2021"
