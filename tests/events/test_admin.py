"""The admin pages of the events app open, and an event saved there goes through the
services (audit entry, checks)."""

import pytest

from jamlik.core.models import AuditEntry
from jamlik.events.models import Event
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    ["event", "allocation", "session", "organisationlink", "registration", "eventmessage",
     "invitation", "evaluation", "unusedseatreminder"],
)  # fmt: skip
def test_admin_lists_open(personas, clock, model):
    event = EventFactory()
    AllocationFactory(event=event, organisations=[personas.org_a])
    SessionFactory(event=event)
    register(event, personas.org_a)
    response = personas.web(personas.admin).get(f"/admin/events/{model}/")
    assert response.status_code == 200


def test_admin_change_of_an_event_goes_through_the_service(personas, clock):
    event = EventFactory(title="Före")
    client = personas.web(personas.admin)
    page = client.get(f"/admin/events/event/{event.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if hasattr(value, "isoformat") and hasattr(value, "hour"):
            from django.utils import timezone

            local = timezone.localtime(value)
            data[f"{name}_0"] = local.strftime("%Y-%m-%d")
            data[f"{name}_1"] = local.strftime("%H:%M:%S")
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            import json

            data[name] = json.dumps(value)
        else:
            data[name] = value
    data["title"] = "Efter"
    response = client.post(f"/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Event.objects.get(pk=event.pk).title == "Efter"
    assert AuditEntry.objects.filter(action="events.event.updated").exists()


def test_admin_shows_invitations_and_evaluations_read_only_without_answers_or_needs(
    personas, clock
):
    from jamlik.events.models import Evaluation, EvaluationQuestion, Invitation

    event = EventFactory()
    invitation = Invitation.objects.create(event=event, email="inbjuden@a.example", name="Inbjuden")
    evaluation = Evaluation.objects.create(event=event)
    EvaluationQuestion.objects.create(evaluation=evaluation, kind="scale", text="Hur var dagen?")
    client = personas.web(personas.admin)
    page = client.get(f"/admin/events/invitation/{invitation.pk}/change/")
    assert page.status_code == 200
    assert invitation.token not in page.content.decode()
    page = client.get(f"/admin/events/evaluation/{evaluation.pk}/change/")
    assert page.status_code == 200 and "Hur var dagen?" in page.content.decode()
    assert client.get("/admin/events/invitation/add/").status_code == 403
    # The answers (shown only above a threshold) and the needs (counted for organisers)
    # have no admin pages.
    assert client.get("/admin/events/evaluationanswer/").status_code == 404
    assert client.get("/admin/events/registrationneeds/").status_code == 404
