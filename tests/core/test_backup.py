"""``jamlik backup`` and ``jamlik restore`` on PostgreSQL: registrations backed up, then
data dropped and altered, then restored — every registration is back and /readyz answers
200. On SQLite both commands refuse with a clear error."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from jamlik.core import health
from jamlik.events.models import Registration
from tests.factories.events import AllocationFactory, EventFactory, register


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore")
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_brings_every_registration_back(personas, tmp_path, monkeypatch):
    event = EventFactory(capacity=10)
    AllocationFactory(event=event, name="A", quota=5, organisations=[personas.org_a])
    for _ in range(4):
        register(event, personas.org_a)
    before = sorted(Registration.objects.values_list("id", "email", "status"))
    assert len(before) == 4
    dump = tmp_path / "jamlik.dump"

    call_command("backup", str(dump))
    assert dump.stat().st_size > 0
    assert not (tmp_path / "jamlik.dump.partial").exists()

    # Something goes wrong after the backup: rows deleted, one changed, a new one added.
    first = Registration.objects.order_by("id").first()
    assert first is not None
    Registration.objects.filter(pk=first.pk).update(name="Ändrad", status="cancelled")
    Registration.objects.exclude(pk=first.pk).delete()
    register(event, personas.org_a)

    call_command("restore", str(dump))

    assert sorted(Registration.objects.values_list("id", "email", "status")) == before
    assert Registration.objects.get(pk=first.pk).name != "Ändrad"
    monkeypatch.setattr(health, "_migrations_ok", False)  # check the restored schema afresh
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite refusal")
@pytest.mark.django_db
@pytest.mark.parametrize("command", ["backup", "restore"])
def test_on_sqlite_backup_and_restore_say_they_need_postgresql(command, tmp_path):
    with pytest.raises(CommandError, match="need PostgreSQL"):
        call_command(command, str(tmp_path / "x.dump"))
