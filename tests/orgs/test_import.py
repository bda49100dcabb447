"""Importing organisations: idempotent, per-row report with line numbers, all or nothing."""

import io

import pytest
from openpyxl import Workbook

from jamlik.core.errors import Invalid
from jamlik.orgs import importing, services
from jamlik.orgs.models import Organisation

pytestmark = pytest.mark.django_db

HEADER = "code,name,kind,parent,mailbox,domains,valid_from,valid_to,successor\n"


def run(content: bytes, name: str = "orgs.csv", actor=None, dry_run=False):
    records = importing.read_file(content, name)
    return services.organisations_import(actor=actor, records=records, dry_run=dry_run)


def test_import_creates_tree_with_parents_after_children_in_file(db):
    content = (
        HEADER
        + "U1,Enhet 1,unit,ADM,,,,,\n"
        + "ADM,Förvaltning,administration,,brevlada@adm.example,adm.example other.example,2020-01-01,,\n"
    ).encode()
    report = run(content)
    assert report.ok
    assert report.count("created") == 2
    unit = Organisation.objects.get(code="U1")
    assert unit.parent.code == "ADM"
    assert unit.path.startswith(unit.parent.path)
    assert unit.parent.domains == ["adm.example", "other.example"]


def test_reimport_is_idempotent_and_updates_by_code(db):
    content = (HEADER + "ADM,Förvaltning,administration,,,,,,\n").encode()
    run(content)
    report = run(content)
    assert report.count("unchanged") == 1
    report = run((HEADER + "adm,Nytt namn,administration,,,,,,\n").encode())
    assert report.count("updated") == 1
    assert Organisation.objects.get().name == "Nytt namn"


def test_bad_rows_are_reported_by_line_and_nothing_is_saved(db):
    content = (
        HEADER
        + "OK1,Bra rad,unit,,,,,,\n"
        + "bad code,Namn,unit,,,,,,\n"
        + "OK2,,unit,,,,,,\n"
        + "OK3,Namn,planet,,,,,,\n"
        + "OK4,Namn,unit,NOPE,,,,,\n"
        + "OK5,Namn,unit,,not-an-email,,,,\n"
        + "OK6,Namn,unit,,,,2021-13-01,,\n"
        + "OK7,Namn,unit,,,,2021-01-02,2021-01-01,\n"
    ).encode()
    report = run(content)
    assert not report.ok
    failed = {row.line: row.errors for row in report.failed}
    assert set(failed) == {3, 4, 5, 6, 7, 8, 9}
    assert "kod" in failed[3][0] or "code" in failed[3][0]
    assert any("NOPE" in e for e in failed[6])
    assert Organisation.objects.count() == 0


def test_duplicate_codes_in_file(db):
    report = run((HEADER + "X,Ett,unit,,,,,,\nx,Två,unit,,,,,,\n").encode())
    assert [r.line for r in report.failed] == [3]
    assert "2" in report.failed[0].errors[0]
    assert Organisation.objects.count() == 0


def test_parent_cycle_is_refused(db):
    report = run((HEADER + "A,A,unit,B,,,,,\nB,B,unit,C,,,,,\nC,C,unit,A,,,,,\n").encode())
    assert len(report.failed) == 3
    assert all("loop" in r.errors[0] or "slinga" in r.errors[0] for r in report.failed)
    assert Organisation.objects.count() == 0


def test_cycle_through_existing_organisation_is_refused(db):
    run((HEADER + "P,P,administration,,,,,,\nQ,Q,unit,P,,,,,\n").encode())
    report = run((HEADER + "P,P,administration,Q,,,,,\n").encode())
    assert not report.ok
    assert Organisation.objects.get(code="P").parent is None


def test_utf8_with_bom(db):
    report = run(
        "\ufeff".encode() + (HEADER + "ÅÄÖ,Örgryte-Härlanda,administration,,,,,,\n").encode()
    )
    assert report.ok
    assert Organisation.objects.get().name == "Örgryte-Härlanda"


def test_windows_1252_semicolon_excel_csv_with_swedish_headers(db):
    text = "Kod;Namn;Typ;Överordnad;Funktionsbrevlåda;Domäner\r\nOH;Örgryte-Härlanda;förvaltning;;brevlada@oh.example;oh.example\r\nOH-1;Äldreomsorg;enhet;OH;;\r\n"
    report = run(text.encode("cp1252"))
    assert report.ok, [r.errors for r in report.rows]
    unit = Organisation.objects.get(code="OH-1")
    assert unit.name == "Äldreomsorg" and unit.parent.name == "Örgryte-Härlanda"
    assert unit.parent.kind == "administration"


def test_xlsx(db):
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "kind", "parent"])
    sheet.append(["X", "Förvaltning X", "administration", None])
    sheet.append(["X-1", "Enhet", "unit", "X"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(buffer.getvalue(), "orgs.xlsx")
    assert report.ok and Organisation.objects.count() == 2


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\n\n",
        b"foo,bar\n1,2\n",
        b"name\nOnly name\n",
        b"PK\x03\x04broken-zip",
        b"\x00\x01\x02binary",
    ],
)
def test_unusable_files_raise_clear_error(db, content):
    with pytest.raises(Invalid) as exc:
        importing.read_file(content, "x.csv")
    assert exc.value.errors[0]["field"] == "file"


def test_dry_run_saves_nothing(db):
    report = run((HEADER + "X,X,unit,,,,,,\n").encode(), dry_run=True)
    assert report.ok and Organisation.objects.count() == 0


def test_successor_by_code(db):
    report = run(
        (
            HEADER
            + "OLD,Gammal,administration,,,,2011-01-01,2020-12-31,NEW\nNEW,Ny,administration,,,,2021-01-01,,\n"
        ).encode()
    )
    assert report.ok
    assert Organisation.objects.get(code="OLD").successor.code == "NEW"


def test_org_coordinator_imports_within_own_subtree_only(personas):
    report = run((HEADER + "A-2,Ny enhet,unit,A,,,,,\n").encode(), actor=personas.coordinator_a)
    assert report.ok
    report = run((HEADER + "B-2,Annan,unit,B,,,,,\n").encode(), actor=personas.coordinator_a)
    assert not report.ok
    report = run((HEADER + "B1,Kapad,unit,A,,,,,\n").encode(), actor=personas.coordinator_a)
    assert not report.ok
    assert Organisation.objects.get(code="B1").name == "Enhet B1"


def test_export_round_trips(personas):
    rows = importing.export_rows(list(Organisation.objects.order_by("path")))
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(importing.EXPORT_COLUMNS)
    writer.writerows(rows)
    report = run(buffer.getvalue().encode())
    assert report.ok
    assert report.count("unchanged") == Organisation.objects.count()


def test_command_reports_and_fails_loudly(db, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    good = tmp_path / "good.csv"
    good.write_text(HEADER + "X,X,unit,,,,,,\n", encoding="utf-8")
    out = StringIO()
    call_command("orgs", "import", str(good), stdout=out)
    assert "line 2: X: created" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "Y,,unit,,,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("orgs", "import", str(bad), stdout=StringIO())
