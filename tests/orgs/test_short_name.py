"""The organisation's optional short name (the heat map's row label): the form, the API (an
added optional field), the import and export columns and the demo's districts."""

import pytest

from jamlik.orgs import importing, services
from jamlik.orgs.models import Organisation

pytestmark = pytest.mark.django_db

HEADER = "code,name,kind,parent,mailbox,domains,valid_from,valid_to,successor"


def test_form_saves_and_edits_the_short_name(personas):
    web = personas.web(personas.city_coordinator)
    reply = web.post(
        "/organisations/new/",
        {
            "name": "Stadsdelsförvaltningen Centrum",
            "short_name": "Centrum",
            "code": "SDF-CEN",
            "kind": "administration",
            "parent": personas.city.pk,
        },
    )
    assert reply.status_code == 302
    org = Organisation.objects.get(code="SDF-CEN")
    assert org.short_name == "Centrum"
    form = web.get(f"/organisations/{org.pk}/edit/").content.decode()
    assert 'name="short_name"' in form and 'value="Centrum"' in form and 'maxlength="40"' in form
    too_long = web.post(
        f"/organisations/{org.pk}/edit/",
        {"name": org.name, "short_name": "x" * 41, "code": org.code, "kind": org.kind},
    )
    assert too_long.status_code == 200
    org.refresh_from_db()
    assert org.short_name == "Centrum"
    assert "Kortnamn" in web.get(f"/organisations/{org.pk}/").content.decode()


def test_api_adds_an_optional_short_name(personas):
    api = personas.api(personas.city_coordinator)
    without = api.post(
        "/api/v1/organisations",
        {
            "code": "C",
            "name": "Förvaltning C",
            "kind": "administration",
            "parent": personas.city.pk,
        },
    )
    assert without.status_code == 201 and without.json()["short_name"] == ""
    with_it = api.post(
        "/api/v1/organisations",
        {
            "code": "D",
            "name": "Stadsdelsförvaltningen Lundby",
            "short_name": "Lundby",
            "kind": "administration",
            "parent": personas.city.pk,
        },
    )
    assert with_it.status_code == 201 and with_it.json()["short_name"] == "Lundby"
    pk = with_it.json()["id"]
    # A patch without it keeps it; with null it is emptied.
    assert (
        api.patch(f"/api/v1/organisations/{pk}", {"name": "SDF Lundby"}).json()["short_name"]
        == "Lundby"
    )
    assert api.patch(f"/api/v1/organisations/{pk}", {"short_name": None}).json()["short_name"] == ""
    assert api.patch(f"/api/v1/organisations/{pk}", {"short_name": "y" * 41}).status_code == 400


def _run(text: str):
    records = importing.read_file(text.encode(), "orgs.csv")
    return services.organisations_import(actor=None, records=records)


def test_import_and_export_columns():
    # short_name was appended after successor; later columns (other_successors) follow it.
    assert importing.EXPORT_COLUMNS.index("short_name") == 9
    assert _run(
        f"{HEADER},kortnamn\nADM,Stadsdelsförvaltningen Angered,förvaltning,,,,,,,Angered\n"
    ).ok
    org = Organisation.objects.get(code="ADM")
    assert org.short_name == "Angered"
    # An older file without the column keeps the short name.
    assert _run(f"{HEADER}\nADM,Stadsdelsförvaltningen Angered,förvaltning,,,,,,\n").ok
    org.refresh_from_db()
    assert org.short_name == "Angered"
    assert importing.export_rows([org])[0][9] == "Angered"
    report = _run(f"{HEADER},short_name\nADM,Namn,förvaltning,,,,,,,{'z' * 41}\n")
    assert not report.ok and report.failed[0].errors[0].startswith("kortnamn:")


def test_demo_districts_have_short_names():
    from jamlik.demo import organisations

    organisations.load()
    angered = Organisation.objects.get(code="SDF-ANG")
    assert angered.name == "Stadsdelsförvaltningen Angered" and angered.short_name == "Angered"
    shorts = [s for s in Organisation.objects.values_list("short_name", flat=True) if s]
    assert len(shorts) == len(set(shorts)) == len(organisations.DISTRICTS)
