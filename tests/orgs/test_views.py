"""Staff pages of the organisation registry: status, scoping, query counts, forms."""

import pytest

from jamlik.orgs.models import Organisation
from tests.factories.orgs import OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_pages_need_login(client, personas):
    for url in [
        "/organisations/",
        f"/organisations/{personas.org_a.pk}/",
        "/organisations/new/",
        "/organisations/import/",
        "/organisations/export.csv",
        "/organisations/export.xlsx",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_tree_page_query_count_does_not_grow(personas, django_assert_max_num_queries):
    for _ in range(30):
        parent = OrganisationFactory(parent=personas.city)
        for _ in range(8):
            UnitFactory(parent=parent)
    web = personas.web(personas.coordinator_a)
    with django_assert_max_num_queries(8):
        response = web.get("/organisations/")
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") >= 275


def test_filtered_list(personas, django_assert_max_num_queries):
    web = personas.web(personas.city_coordinator)
    with django_assert_max_num_queries(8):
        html = web.get("/organisations/", {"kind": "unit"}).content.decode()
    rows = html.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 2 and "Enhet A1" in rows and "Enhet B1" in rows


def test_edit_page_404_outside_own_subtree(personas):
    web = personas.web(personas.coordinator_a)
    assert web.get(f"/organisations/{personas.org_b.pk}/edit/").status_code == 404
    assert (
        web.post(f"/organisations/{personas.org_b.pk}/edit/", {"name": "Kapad"}).status_code == 404
    )
    assert web.get(f"/organisations/{personas.unit_a.pk}/edit/").status_code == 200


def test_detail_shows_edit_only_within_scope(personas):
    web = personas.web(personas.coordinator_a)
    assert "/edit/" not in web.get(f"/organisations/{personas.org_b.pk}/").content.decode()
    assert "/edit/" in web.get(f"/organisations/{personas.org_a.pk}/").content.decode()


def test_create_form_errors_are_shown_and_nothing_saved(personas):
    web = personas.web(personas.city_coordinator)
    response = web.post("/organisations/new/", {"name": "", "code": "bad code", "kind": "unit"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in html and 'role="alert"' in html
    assert Organisation.objects.count() == 5


def test_create_form_saves(personas):
    web = personas.web(personas.city_coordinator)
    response = web.post(
        "/organisations/new/",
        {
            "name": "Ny förvaltning",
            "code": "NY",
            "kind": "administration",
            "parent": personas.city.pk,
            "domains": "ny.example  other.example",
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(code="NY")
    assert org.domains == ["ny.example", "other.example"]


def test_org_coordinator_cannot_pick_parent_outside_scope(personas):
    web = personas.web(personas.coordinator_a)
    response = web.post(
        "/organisations/new/",
        {"name": "X", "code": "X", "kind": "unit", "parent": personas.org_b.pk},
    )
    assert response.status_code == 200
    assert not Organisation.objects.filter(code="X").exists()


def test_import_page_reports_rows(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    web = personas.web(personas.city_coordinator)
    upload = SimpleUploadedFile(
        "o.csv", b"code,name,kind\nN1,Ny,unit\nbad code,X,unit\n", content_type="text/csv"
    )
    html = web.post("/organisations/import/", {"file": upload}).content.decode()
    assert "bad code" in html and 'role="alert"' in html
    assert not Organisation.objects.filter(code="N1").exists()
    upload = SimpleUploadedFile("o.csv", b"code,name,kind\nN1,Ny,unit\n", content_type="text/csv")
    web.post("/organisations/import/", {"file": upload})
    assert Organisation.objects.filter(code="N1").exists()


def test_exports(personas):
    web = personas.web(personas.coordinator_b)
    csv_text = web.get("/organisations/export.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("code,name,kind,parent")
    assert "Enhet B1" in csv_text
    response = web.get("/organisations/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_export_neutralises_formulas(personas):
    from jamlik.orgs import services

    services.organisation_update(actor=None, organisation=personas.unit_a, name='=HYPERLINK("x")')
    csv_text = (
        personas.web(personas.admin).get("/organisations/export.csv").content.decode("utf-8-sig")
    )
    assert "'=HYPERLINK" in csv_text
