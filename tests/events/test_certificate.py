"""The certificate of participation (services/certificates.py): only for those who came
(others 404, on the page and in the API), in the registration's language, linked on the
manage page."""

from __future__ import annotations

import pytest

from jamlik.core.errors import NotFound
from jamlik.events.models import Status
from jamlik.events.services import certificates
from jamlik.events.services.handling import registration_check_in
from tests.factories.events import register


@pytest.fixture
def day(personas, conference, clock):
    event = conference.event
    came = register(event, personas.org_a).registration
    stayed = register(event, personas.org_a).registration
    waiting = register(event, personas.org_a).registration
    english = register(event, personas.org_b, language="en").registration
    clock.set(event.starts_at)
    registration_check_in(registration=came, actor=None)
    registration_check_in(registration=english, actor=None)
    for r in (came, stayed, waiting, english):
        r.refresh_from_db()
    assert waiting.status == Status.WAITING
    return came, stayed, waiting, english


def test_only_for_those_who_came(day):
    came, stayed, waiting, _english = day
    assert certificates.certificate_by_manage_token(came.manage_token)[2].startswith(b"%PDF")
    for other in (stayed, waiting):
        with pytest.raises(NotFound):
            certificates.certificate_by_manage_token(other.manage_token)


def test_language_of_the_registration(day):
    came, _stayed, _waiting, english = day
    assert "Deltagarintyg" in certificates.certificate_html(came)
    assert came.name in certificates.certificate_html(came)
    assert "Certificate of participation" in certificates.certificate_html(english)
    assert certificates.certificate_filename(came).startswith("deltagarintyg-")
    assert certificates.certificate_filename(english).startswith("certificate-")


def test_page_and_api(day, client, api_client):
    came, stayed, _waiting, _english = day
    page = client.get(f"/m/{came.manage_token}/certificate.pdf")
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    assert client.get(f"/m/{stayed.manage_token}/certificate.pdf").status_code == 404
    api = api_client()
    url = "/api/v1/public/registrations/{}/certificate.pdf"
    assert api.get(url.format(came.manage_token)).status_code == 200
    assert api.get(url.format(stayed.manage_token)).status_code == 404
    assert api.get(url.format("nope")).status_code == 404


def test_manage_page_links_it_only_after_check_in(day, client, clock):
    came, stayed, _waiting, _english = day
    link = f"/m/{came.manage_token}/certificate.pdf"
    assert link in client.get(f"/m/{came.manage_token}").content.decode()
    assert "certificate.pdf" not in client.get(f"/m/{stayed.manage_token}").content.decode()
