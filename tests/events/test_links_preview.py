"""Sending the organisations' links in two steps: a preview of the mail as it will be sent
(for one example organisation, in Swedish) with its recipients to choose from, then a POST
that sends to the chosen organisations only; ids outside the event's allocations are a 400
with nothing sent."""

from __future__ import annotations

import pytest
from django.core import mail

from jamlik.core.errors import Invalid
from jamlik.events import services
from jamlik.events.inputs import LinksSendSelectionIn
from jamlik.events.models import OrganisationLink
from jamlik.events.services.links import links_preview, links_send_selected
from tests.factories.events import AllocationFactory, EventFactory
from tests.factories.orgs import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(personas):
    """A and B in allocations with mailboxes; C in an allocation without one."""
    event = EventFactory(title="Jämlikhetsdagen", quota_lock_until=None)
    no_mailbox = OrganisationFactory(name="Förvaltning C", code="C", parent=personas.city)
    no_mailbox.mailbox = ""
    no_mailbox.save(update_fields=["mailbox"])
    AllocationFactory(event=event, name="A", quota=5, organisations=[personas.org_a])
    AllocationFactory(
        event=event, name="B och C", quota=5, organisations=[personas.org_b, no_mailbox]
    )
    return event


def url(event) -> str:
    return f"/events/{event.pk}/links/send/"


def test_the_preview_shows_the_mail_and_its_recipients_and_sends_nothing(event, personas):
    web = personas.web(personas.city_coordinator)
    links_page = web.get(f"/events/{event.pk}/links/").content.decode()
    assert "Skicka länkarna…" in links_page and f'href="{url(event)}"' in links_page
    response = web.get(url(event))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Anmälningslänk till Jämlikhetsdagen" in html  # the subject, in Swedish
    assert "Visas för Förvaltning A" in html
    link_a = OrganisationLink.objects.get(event=event, organisation=personas.org_a)
    assert f"/r/{link_a.token}" in html  # the example's own link in the body
    for org in (personas.org_a, personas.org_b):
        assert org.mailbox in html
        assert f'name="organisations" value="{org.pk}"' in html
        assert f'id="recipient_{org.pk}" checked' in html
    # C has no mailbox: listed as skipped, not as a recipient.
    assert "Hoppas över: ingen funktionsbrevlåda" in html and "Förvaltning C" in html
    no_mailbox = OrganisationLink.objects.get(event=event, organisation__code="C")
    assert f'value="{no_mailbox.organisation_id}"' not in html
    assert "Mottagare (2 organisationer med funktionsbrevlåda)" in html
    assert not mail.outbox
    assert not OrganisationLink.objects.filter(event=event, sent_at__isnull=False).exists()


def test_send_goes_to_the_chosen_organisations_only(
    event, personas, django_capture_on_commit_callbacks
):
    web = personas.web(personas.city_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(url(event), {"choose": "1", "organisations": [str(personas.org_b.pk)]})
    assert response.status_code == 302 and response["Location"] == f"/events/{event.pk}/links/"
    assert [m.to for m in mail.outbox] == [[personas.org_b.mailbox]]
    sent = OrganisationLink.objects.filter(event=event, sent_at__isnull=False)
    assert [link.organisation_id for link in sent] == [personas.org_b.pk]
    page = web.get(f"/events/{event.pk}/links/").content.decode()
    assert "1 länkar ställdes i kö" in page


@pytest.mark.parametrize(
    "chosen",
    [
        lambda p: [str(p.unit_a.pk)],  # a unit under A, not itself in an allocation
        lambda p: [str(p.org_a.pk), "99999999"],
        lambda p: ["x"],
        lambda p: [],
    ],
)
def test_a_bad_choice_is_refused_in_swedish_and_nothing_is_sent(
    event, personas, django_capture_on_commit_callbacks, chosen
):
    web = personas.web(personas.city_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(url(event), {"choose": "1", "organisations": chosen(personas)})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in html
    assert any(
        text in html
        for text in ("platsfördelningar", "Välj minst en organisation", "Ange ett heltal")
    )
    assert not mail.outbox
    assert not OrganisationLink.objects.filter(event=event, sent_at__isnull=False).exists()


def test_an_organisation_outside_the_senders_scope_is_refused(event, personas):
    with pytest.raises(Invalid) as refused:
        links_send_selected(
            actor=personas.coordinator_a, event=event, data={"organisations": [personas.org_b.pk]}
        )
    assert "platsfördelningar" in str(refused.value.errors[0]["message"])
    preview = links_preview(actor=personas.coordinator_a, event=event)
    assert [r.organisation for r in preview.recipients] == [personas.org_a]


def test_the_page_needs_the_links_right(event, personas):
    web = personas.web(personas.coordinator_a)
    assert web.get(url(event)).status_code == 403
    choice = {"choose": "1", "organisations": [str(personas.org_a.pk)]}
    assert web.post(url(event), choice).status_code == 403


def test_a_post_without_the_choice_still_sends_to_all(
    event, personas, django_capture_on_commit_callbacks
):
    """The earlier contract (and the API's): nothing named, every mailbox."""
    web = personas.web(personas.city_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assert web.post(url(event)).status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [personas.org_a.mailbox, personas.org_b.mailbox]
    )


def test_the_input_model_takes_checkbox_values():
    assert LinksSendSelectionIn.take(organisations=["3", "4", "3"]).organisations == [3, 4]
    with pytest.raises(Invalid):
        LinksSendSelectionIn.take(organisations=[])


def test_the_preview_of_an_organisation_without_a_link_makes_none(event, personas):
    OrganisationLink.objects.filter(event=event).delete()
    preview = links_preview(actor=personas.admin, event=event)
    assert preview.example is not None and preview.example.link is None
    assert "(en ny länk skapas när mejlet skickas)" in preview.body
    assert not OrganisationLink.objects.filter(event=event).exists()
    sent = services.links_send(actor=personas.admin, event=event)
    assert len(sent) == 2
