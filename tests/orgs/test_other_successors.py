"""A split in the registry: ``Organisation.other_successors`` (the organisations besides
``successor`` that took over part of one), in the service, the API, the page form, the
import and the export (docs/rules.md, "Organisation registry")."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from jamlik.core.errors import Invalid
from jamlik.orgs import importing, services
from jamlik.orgs.chains import loop_through
from jamlik.orgs.models import Organisation
from tests.factories.orgs import OrganisationFactory

pytestmark = pytest.mark.django_db

HEADER = "code,name,kind,parent,mailbox,domains,valid_from,valid_to,successor"


def _orgs(personas, *codes):
    return [
        OrganisationFactory(name=f"Förvaltning {c}", code=c, parent=personas.city, domains=[])
        for c in codes
    ]


def _split(org, successor, *others):
    return services.organisation_update(
        actor=None, organisation=org, successor=successor, other_successors=list(others)
    )


def _others(org):
    return sorted(o.code for o in Organisation.objects.get(pk=org.pk).other_successors.all())


def _refused(call, field, message):
    with translation.override("sv"), pytest.raises(Invalid) as caught:
        call()
    assert caught.value.errors[0]["field"] == field
    assert caught.value.errors[0]["message"] == message


# ---- The pure walk -------------------------------------------------------------------------


def test_the_loop_check_follows_every_successor():
    links = {1: [2, 5], 2: [3], 5: [1]}
    assert loop_through(1, lambda k: links.get(k, [])) == [1, 5, 1]
    assert loop_through(1, lambda k: {1: [2], 2: [3], 3: [1]}.get(k, [])) == [1, 2, 3, 1]
    assert loop_through(1, lambda k: {1: [2], 2: [2]}.get(k, [])) == []  # not through 1
    assert loop_through(1, lambda k: {1: [2, 3]}.get(k, [])) == []


# ---- Service rules -------------------------------------------------------------------------


def test_a_split_is_recorded_and_audited(personas):
    from jamlik.core.models import AuditEntry

    a, b, c, d = _orgs(personas, "SA", "SB", "SC", "SD")
    _split(a, b, c, d)
    assert _others(a) == ["SC", "SD"]
    assert Organisation.objects.get(pk=a.pk).successor_id == b.pk
    assert sorted(o.code for o in c.split_predecessors.all()) == ["SA"]
    entry = AuditEntry.objects.filter(action="orgs.organisation.updated").latest("pk")
    assert entry.new is not None and entry.new["other_successors"] == sorted([c.pk, d.pk])
    # Other fields leave them as they are; an empty list removes them.
    services.organisation_update(actor=None, organisation=a, name="Förvaltning SA gamla")
    assert _others(a) == ["SC", "SD"]
    services.organisation_update(actor=None, organisation=a, other_successors=[])
    assert _others(a) == [] and Organisation.objects.get(pk=a.pk).successor_id == b.pk


def test_create_with_a_split(personas):
    b, c = _orgs(personas, "SB", "SC")
    org = services.organisation_create(
        actor=None, code="SA", name="Förvaltning SA", kind="administration",
        successor=b, other_successors=[c],
    )  # fmt: skip
    assert _others(org) == ["SC"]


def test_other_successors_need_a_successor(personas):
    a, b, c = _orgs(personas, "SA", "SB", "SC")
    message = "Övriga efterträdare (vid en delning) kan bara anges tillsammans med en efterträdare."
    _refused(lambda: _split(a, None, c), "other_successors", message)
    _refused(
        lambda: services.organisation_create(
            actor=None, code="SX", name="X", kind="unit", other_successors=[c.pk]
        ),
        "other_successors",
        message,
    )
    assert not Organisation.objects.filter(code="SX").exists()
    # Removing the successor of a split organisation alone is refused too.
    _split(a, b, c)
    _refused(
        lambda: services.organisation_update(actor=None, organisation=a, successor=None),
        "successor",
        message,
    )
    assert Organisation.objects.get(pk=a.pk).successor_id == b.pk and _others(a) == ["SC"]


def test_neither_itself_nor_the_successor(personas):
    a, b, c = _orgs(personas, "SA", "SB", "SC")
    _refused(
        lambda: _split(a, b, a),
        "other_successors",
        "En organisation kan inte efterträda sig själv.",
    )
    _refused(
        lambda: _split(a, b, c, b),
        "other_successors",
        "Efterträdaren kan inte också vara en av de övriga efterträdarna.",
    )
    _refused(lambda: _split(a, b, 10**6), "other_successors", "Okänd organisation: 1000000.")
    assert _others(a) == [] and Organisation.objects.get(pk=a.pk).successor_id is None


def test_no_loop_through_any_successor(personas):
    a, b, c = _orgs(personas, "SA", "SB", "SC")
    _split(a, b, c)
    # C → A closes a loop through A's other successor.
    _refused(
        lambda: services.organisation_update(actor=None, organisation=c, successor=a),
        "successor",
        "Efterträdarna skulle bilda en slinga (SC → SA → SC).",
    )
    # B → D and D's other successor A: a loop through D's other successor.
    (d,) = _orgs(personas, "SD")
    services.organisation_update(actor=None, organisation=b, successor=d)
    (e,) = _orgs(personas, "SE")
    _refused(
        lambda: _split(d, e, a),
        "other_successors",
        "Efterträdarna skulle bilda en slinga (SD → SA → SB → SD).",
    )
    assert _others(d) == [] and Organisation.objects.get(pk=c.pk).successor_id is None


# ---- API -----------------------------------------------------------------------------------


def test_api_round_trip(personas):
    a, b, c, d = _orgs(personas, "SA", "SB", "SC", "SD")
    api = personas.api(personas.city_coordinator)
    url = f"/api/v1/organisations/{a.pk}"
    assert api.get(url).json()["other_successors"] == []
    response = api.patch(url, {"successor": b.pk, "other_successors": [d.pk, c.pk]})
    assert response.status_code == 200, response.content
    assert response.json()["other_successors"] == sorted([c.pk, d.pk])
    assert api.get(url).json()["other_successors"] == sorted([c.pk, d.pk])
    listed = {o["code"]: o for o in api.get("/api/v1/organisations").json()}
    assert listed["SA"]["other_successors"] == sorted([c.pk, d.pk])
    assert listed["SB"]["other_successors"] == []
    # PATCH without the field keeps them; null empties them.
    assert api.patch(url, {"name": "Ny"}).json()["other_successors"] == sorted([c.pk, d.pk])
    assert api.patch(url, {"other_successors": None}).json()["other_successors"] == []
    created = api.post(
        "/api/v1/organisations",
        {"code": "SN", "name": "Ny", "kind": "unit", "successor": b.pk, "other_successors": [c.pk]},
    )
    assert created.status_code == 201 and created.json()["other_successors"] == [c.pk]


def test_api_refusals_are_swedish_400s(personas):
    a, b, c = _orgs(personas, "SA", "SB", "SC")
    api = personas.api(personas.city_coordinator)
    url = f"/api/v1/organisations/{a.pk}"
    for body, message in (
        ({"other_successors": [c.pk]}, "kan bara anges tillsammans med en efterträdare"),
        ({"successor": b.pk, "other_successors": [a.pk]}, "kan inte efterträda sig själv"),
        ({"successor": b.pk, "other_successors": [b.pk]}, "Efterträdaren kan inte också"),
        ({"successor": b.pk, "other_successors": [999999]}, "Okänd organisation"),
        ({"successor": b.pk, "other_successors": "SC"}, "Ange en lista"),
    ):
        response = api.patch(url, body)
        assert response.status_code == 400, body
        (error,) = response.json()["errors"]
        assert error["field"].startswith("other_successors") and message in error["message"]
    a.refresh_from_db()
    assert a.successor_id is None and _others(a) == []
    english = personas.api(personas.city_coordinator, language="en")
    response = english.patch(url, {"other_successors": [c.pk]})
    assert response.json()["errors"][0]["message"] == (
        "Other successors (a split) can only be given together with a successor."
    )


# ---- Page form and detail page ---------------------------------------------------------------


def test_page_form_records_a_split_and_the_detail_page_shows_it(personas):
    a, b, c, d = _orgs(personas, "SA", "SB", "SC", "SD")
    web = personas.web(personas.city_coordinator)
    form = web.get(f"/organisations/{a.pk}/edit/").content.decode()
    assert 'for="id_other_successors"' in form and "Övriga efterträdare (delning)" in form
    assert '<select name="other_successors"' in form and "multiple" in form
    data = {
        "name": "Förvaltning SA",
        "code": "SA",
        "kind": "administration",
        "parent": personas.city.pk,
        "successor": b.pk,
        "other_successors": [c.pk, d.pk],
    }
    response = web.post(f"/organisations/{a.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()
    assert _others(a) == ["SC", "SD"]
    page = web.get(f"/organisations/{a.pk}/").content.decode()
    assert "Övriga efterträdare (delning)" in page
    assert f'href="/organisations/{c.pk}/"' in page and "Förvaltning SD" in page
    # The edit form shows them chosen.
    form = web.get(f"/organisations/{a.pk}/edit/").content.decode()
    assert f'<option value="{c.pk}" selected>' in form
    # A refusal is shown on the field and nothing changes.
    response = web.post(f"/organisations/{a.pk}/edit/", {**data, "other_successors": [b.pk]})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_other_successors_error"' in html
    assert "Efterträdaren kan inte också vara en av de övriga efterträdarna." in html
    assert _others(a) == ["SC", "SD"]


# ---- Import and export ---------------------------------------------------------------------


def run(text: str, name: str = "orgs.csv"):
    records = importing.read_file(text.encode(), name)
    return services.organisations_import(actor=None, records=records)


def test_import_records_a_split_and_export_writes_it(personas):
    report = run(
        f"{HEADER},övriga efterträdare\n"
        "SB,Förvaltning SB,förvaltning,,,,,,,\n"
        'SA,Förvaltning SA,förvaltning,,,,,,SB,"SC, SD"\n'
        "SC,Förvaltning SC,förvaltning,,,,,,,\n"
        "SD,Förvaltning SD,förvaltning,,,,,,,\n"
    )
    assert report.ok, [r.errors for r in report.rows]
    a = Organisation.objects.get(code="SA")
    assert a.successor is not None and a.successor.code == "SB" and _others(a) == ["SC", "SD"]
    # Export: the column comes last, codes separated by spaces.
    assert importing.EXPORT_COLUMNS[-1] == "other_successors"
    rows = {r[0]: r for r in importing.export_rows(list(Organisation.objects.all()))}
    assert rows["SA"][-1] == "SC SD" and rows["SB"][-1] == ""
    web = personas.web(personas.city_coordinator)
    csv_text = web.get("/organisations/export.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].endswith(",short_name,other_successors")
    book = load_workbook(io.BytesIO(web.get("/organisations/export.xlsx").content))
    sheet = list(book.worksheets[0].iter_rows(values_only=True))
    assert sheet[0][-1] == "other_successors"
    assert next(r for r in sheet if r[0] == "SA")[-1] == "SC SD"
    # The export reads back unchanged (spaces separate the codes too).
    again = run(csv_text)
    assert again.ok and _others(a) == ["SC", "SD"]


def test_import_without_the_column_keeps_the_split(personas):
    a, b, c = _orgs(personas, "SA", "SB", "SC")
    _split(a, b, c)
    report = run(f"{HEADER}\nSA,Förvaltning SA ny,förvaltning,CITY,,,,,SB\n")
    assert report.ok, [r.errors for r in report.rows]
    a.refresh_from_db()
    assert a.name == "Förvaltning SA ny" and a.successor_id == b.pk and _others(a) == ["SC"]
    # An older file that empties the successor of a split organisation is refused.
    report = run(f"{HEADER}\nSA,Förvaltning SA,förvaltning,CITY,,,,,\n")
    assert not report.ok
    assert any("övriga efterträdare" in e for e in report.failed[0].errors)
    a.refresh_from_db()
    assert a.successor_id == b.pk and a.name == "Förvaltning SA ny"
    # An empty column removes them.
    assert run(f"{HEADER},other_successors\nSA,Förvaltning SA,förvaltning,CITY,,,,,SB,\n").ok
    assert _others(a) == []


def test_import_errors_are_line_numbered_and_nothing_is_saved(personas):
    _orgs(personas, "SA", "SB")
    report = run(
        f"{HEADER},other_successors\n"
        "SN,Ny,förvaltning,,,,,,,\n"  # line 2: fine
        "SX,X,förvaltning,,,,,,SB,NOPE\n"  # 3: unknown code
        "SY,Y,förvaltning,,,,,,,SB\n"  # 4: no successor
        "SZ,Z,förvaltning,,,,,,SB,SZ SB\n"  # 5: itself and the successor
    )
    assert not report.ok
    errors = {row.line: row.errors for row in report.failed}
    assert sorted(errors) == [3, 4, 5]
    assert errors[3] == ["övriga efterträdare: ingen organisation har kortkoden ”NOPE”."]
    assert errors[4] == ["övriga efterträdare: kan bara anges tillsammans med en efterträdare."]
    assert errors[5] == [
        "övriga efterträdare: en organisation kan inte efterträda sig själv.",
        "övriga efterträdare: ”SB” är redan efterträdaren.",
    ]
    assert not Organisation.objects.filter(code__in=["SN", "SX", "SY", "SZ"]).exists()


def test_import_refuses_a_loop_through_other_successors(personas):
    a, b, c = _orgs(personas, "SA", "SB", "SC")
    _split(a, b, c)
    # C's new successor A closes a loop through A's other successor C.
    report = run(f"{HEADER},other_successors\nSC,Förvaltning SC,förvaltning,CITY,,,,,SA,\n")
    assert not report.ok
    assert report.failed[0].errors == [
        "efterträdare: efterträdarna bildar en slinga (sc → sa → sc)."
    ]
    # Within the file: D → E, E's other successor D.
    report = run(
        f"{HEADER},other_successors\nSD,D,förvaltning,,,,,,SE,\nSE,E,förvaltning,,,,,,SA,SD\n"
    )
    assert not report.ok and {r.line for r in report.failed} == {2, 3}
    assert Organisation.objects.get(pk=c.pk).successor_id is None
    assert not Organisation.objects.filter(code__in=["SD", "SE"]).exists()


def test_import_page_takes_the_column(personas):
    web = personas.web(personas.city_coordinator)
    page = web.get("/organisations/import/").content.decode()
    assert "other_successors" in page
    upload = SimpleUploadedFile(
        "o.csv",
        "code,name,kind,successor,övriga efterträdare\n"
        "SB,B,unit,,\nSC,C,unit,,\nSA,A,unit,SB,SC\n".encode(),
        content_type="text/csv",
    )
    web.post("/organisations/import/", {"file": upload})
    assert _others(Organisation.objects.get(code="SA")) == ["SC"]
