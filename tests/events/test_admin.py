"""The admin pages of the events app open, and an event saved there goes through the
services (audit entry, checks)."""

import pytest

from jamlik.core.models import AuditEntry
from jamlik.events.models import Event
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["event", "allocation", "session", "organisationlink", "registration", "eventmessage"]
)
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
