"""The hand-written statements' row reader (core.sql) gives the same objects as the ORM."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from jamlik.core.sql import columns, fetch_models, fetch_rows, row_to_model
from jamlik.events.models import Event
from jamlik.orgs.models import Organisation
from tests.factories.events import EventFactory

pytestmark = pytest.mark.django_db


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_a_row_read_by_hand_is_the_instance_the_orm_reads(personas):
    event = EventFactory(meeting_url="https://meet.example/x")
    sql = f"SELECT {columns(Event, 'e')} FROM events_event e WHERE e.id = %s"  # noqa: S608
    (read,) = fetch_models(Event, sql, [event.pk])
    expected = Event.objects.get(pk=event.pk)
    assert _fields(read) == _fields(expected)
    # Dates come back as aware datetimes on both databases, as the ORM gives them.
    assert read.starts_at == expected.starts_at and read.starts_at.tzinfo is not None
    assert not read._state.adding and read._state.db == "default"
    assert model_to_dict(read) == model_to_dict(expected)


def test_two_models_from_one_joined_row(personas):
    rows = fetch_rows(
        f"SELECT {columns(Organisation, 'o')}, {columns(Organisation, 'p')}"  # noqa: S608
        " FROM orgs_organisation o JOIN orgs_organisation p ON p.id = o.parent_id"
        " WHERE o.id = %s",
        [personas.org_a.pk],
    )
    child = row_to_model(Organisation, rows[0])
    parent = row_to_model(Organisation, rows[0], len(Organisation._meta.concrete_fields))
    assert _fields(child) == _fields(Organisation.objects.get(pk=personas.org_a.pk))
    assert _fields(parent) == _fields(Organisation.objects.get(pk=personas.org_a.parent_id))


def test_insert_stores_what_save_stores(personas):
    from django.db.models.signals import post_save

    from jamlik.events.models import Registration

    event = EventFactory()
    seen = []

    def saw(sender, instance, created, **kwargs):
        seen.append((instance.email, created))

    def new(email: str) -> Registration:
        registration = Registration(
            event=event, organisation=personas.org_a, name="Ny Person", email=email,
            category="employee", status="confirmed", language="en",
        )  # fmt: skip
        registration.dietary = "Vegetarisk"
        return registration

    post_save.connect(saw, sender=Registration)
    try:
        saved, inserted = new("saved@a.example"), new("inserted@a.example")
        saved.save()
        inserted.insert()
    finally:
        post_save.disconnect(saw, sender=Registration)
    assert inserted.pk and not inserted._state.adding
    assert seen == [("saved@a.example", True), ("inserted@a.example", True)]
    differ = {"id", "email", "manage_token", "checkin_code", "created_at"}  # made per row
    stored = {r.email: _fields(r) for r in Registration.objects.filter(event=event)}
    for name, value in stored["saved@a.example"].items():
        if name not in differ:
            assert stored["inserted@a.example"][name] == value, name
    assert Registration.objects.get(pk=inserted.pk).dietary == "Vegetarisk"
