"""The manage page of a cancelled registration: says once that it is cancelled, lists no
sessions, and offers what can be done now (register again while the event takes
registrations; the organisation's link while the quotas bind)."""

from __future__ import annotations

import datetime as dt

import pytest

from jamlik.events import decisions, services
from tests.factories.events import SessionFactory, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def cancelled(conference, personas, django_capture_on_commit_callbacks):
    session = SessionFactory(event=conference.event, title="Förmiddagspasset")
    registration = register(conference.event, personas.org_a, sessions=[session.pk]).registration
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration)
    return registration


def test_cancelling_says_it_once_and_lists_no_sessions(
    conference, personas, client, django_capture_on_commit_callbacks
):
    session = SessionFactory(event=conference.event, title="Förmiddagspasset")
    registration = register(conference.event, personas.org_a, sessions=[session.pk]).registration
    url = f"/m/{registration.manage_token}"
    assert "Förmiddagspasset" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}/cancel", follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("avbokad") == 1, html
    assert html.count("status-box") == 1
    assert "Dina pass" not in html and "Förmiddagspasset" not in html
    assert "Avboka min anmälan" not in html
    assert "Lägg till i din kalender" not in html


def test_in_the_quota_phase_it_points_to_the_organisations_link(conference, cancelled, client):
    html = client.get(f"/m/{cancelled.manage_token}").content.decode()
    assert "Det här kan du göra nu" in html
    assert "Anmäl dig igen" not in html
    assert f'href="/e/{conference.event.pk}/lost-link"' in html


def test_after_the_release_it_offers_to_register_again(conference, cancelled, client, clock):
    clock.set(conference.event.quota_lock_until + dt.timedelta(minutes=1))
    html = client.get(f"/m/{cancelled.manage_token}").content.decode()
    assert "Anmäl dig igen" in html
    assert f'href="/e/{conference.event.pk}"' in html
    assert "Du kan anmäla dig nu" in html
    # The event page takes the registration of the same address again.
    assert client.get(f"/e/{conference.event.pk}").status_code == 200


def test_once_registration_closed_it_says_so_and_offers_nothing(
    conference, cancelled, client, clock
):
    clock.set(decisions.closes_at(conference.event) + dt.timedelta(minutes=1))
    html = client.get(f"/m/{cancelled.manage_token}").content.decode()
    assert "Anmäl dig igen" not in html and "lost-link" not in html
    assert "stängd" in html


def test_an_active_registration_is_not_offered_to_register_again(conference, personas, client):
    registration = register(conference.event, personas.org_a).registration
    html = client.get(f"/m/{registration.manage_token}").content.decode()
    assert "Det här kan du göra nu" not in html
    assert "Din plats är bekräftad" in html


def test_cancelling_again_says_it_once(cancelled, client):
    response = client.post(f"/m/{cancelled.manage_token}/cancel")
    html = response.content.decode()
    assert response.status_code == 409
    assert html.count("avbokad") == 1 and 'role="alert"' not in html
