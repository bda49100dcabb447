"""Evidence files of an answer (docs/rules.md#evidence-files): the pure rules (kinds told by
their content, size), the service (sha256, revision chain, who may add and when, nothing
stored on a refusal), submitted versions keeping the files, the API (scoping, Swedish 4xx,
download headers, query counts) and the pages through the respondent link and for staff."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jamlik.assessments import evidence as rules
from jamlik.assessments.models import Evidence, EvidenceContent, Response, ResponseStatus
from jamlik.assessments.services import response_reopen
from jamlik.assessments.services.evidence import evidence_add, evidence_file
from jamlik.core.errors import Conflict, Invalid, NotFound
from jamlik.core.models import AuditEntry
from tests.factories import assessments as f

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
TXT = "Rutin för lönekartläggning.\nGäller från 2024.\n".encode()


def office(*names: str, mimetype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype:
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = office("[Content_Types].xml", "word/document.xml")
XLSX = office("[Content_Types].xml", "xl/workbook.xml")
ODT = office("content.xml", mimetype="application/vnd.oasis.opendocument.text")
DOCM = office("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin")


@pytest.fixture
def campaign(personas):
    return f.campaign(organisations=[personas.org_a, personas.org_b], title="Självskattning 2024")


@pytest.fixture
def response(campaign, personas) -> Response:
    return campaign.responses.get(unit=personas.unit_a)


def stored_files() -> int:
    """The files whose bytes are kept (EvidenceContent rows)."""
    return EvidenceContent.objects.count()


def add(response, name="policy.pdf", content=PDF, key="r1", **data):
    return evidence_add(
        actor=None, response=response, requirement_key=key, file=(name, content), data=data
    )


# ---- The pure rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.pdf", PDF, rules.PDF),
        ("a.PNG", PNG, rules.PNG),
        ("a.jpeg", JPEG, rules.JPEG),
        ("a.jpg", JPEG, rules.JPEG),
        ("a.docx", DOCX, rules.DOCX),
        ("a.xlsx", XLSX, rules.XLSX),
        ("a.odt", ODT, rules.ODT),
        ("a.txt", TXT, rules.TXT),
    ],
)
def test_rules_take_the_allowed_kinds_by_content(name, content, kind):
    assert rules.check(name, content) == kind


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("a.pdf", b"", "empty"),
        ("a.exe", b"MZ\x90\x00", "type"),
        ("a.html", b"<html></html>", "type"),
        ("a", PDF, "type"),
        ("a.pdf", b"MZ\x90\x00\x03", "content"),  # an executable named .pdf
        ("a.pdf", b"<html><script>alert(1)</script></html>", "mismatch"),  # text named .pdf
        ("a.docx", PDF, "mismatch"),
        ("a.docx", DOCM, "content"),  # macros
        ("a.docx", b"PK\x03\x04broken", "content"),
        ("a.xlsx", DOCX, "mismatch"),
        ("a.txt", b"abc\x00def", "content"),
        ("a.png", JPEG, "mismatch"),
    ],
)
def test_rules_refuse_by_content_not_only_by_name(name, content, reason):
    with pytest.raises(rules.Refused) as caught:
        rules.check(name, content)
    assert caught.value.reason == reason


def test_rules_size_limit_comes_from_settings(settings):
    settings.EVIDENCE_MAX_BYTES = 100
    assert rules.check("a.txt", b"x" * 100) == rules.TXT
    with pytest.raises(rules.Refused) as caught:
        rules.check("a.txt", b"x" * 101)
    assert caught.value.reason == "too_large"


def test_rules_clean_filename():
    assert rules.clean_filename("C:\\Users\\x\\Policy 2024.pdf") == "Policy 2024.pdf"
    assert rules.clean_filename("../../etc/passwd.txt") == "passwd.txt"
    assert rules.clean_filename('a\x00b<>"|.pdf') == "a_b_.pdf"
    long = rules.clean_filename("x" * 300 + ".pdf")
    assert len(long) == rules.FILENAME_MAX and long.endswith(".pdf")
    assert rules.clean_filename("") == "file"


# ---- The service -------------------------------------------------------------------------


def test_add_keeps_the_bytes_with_their_sha256_in_the_database(response):
    evidence = add(response, "Lönepolicy Anna.pdf", diary_number="KS 2024/123",
                   effective_date="2024-01-01")  # fmt: skip
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert evidence.size == len(PDF) and evidence.content_type == "application/pdf"
    assert evidence.revision == 1 and evidence.replaces is None
    assert evidence.diary_number == "KS 2024/123"
    assert evidence.effective_date.isoformat() == "2024-01-01"
    assert evidence.uploaded_by == "system"
    # In the database (every app server reads it, the backup keeps it), apart from the row.
    assert bytes(EvidenceContent.objects.get(evidence=evidence).content) == PDF
    assert evidence_file(evidence) == ("Lönepolicy Anna.pdf", "application/pdf", PDF)
    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFT
    entry = AuditEntry.objects.filter(action="assessments.evidence.added").earliest("pk")
    assert entry.new["sha256"] == evidence.sha256 and entry.new["requirement"] == "r1"
    assert "Anna" not in str(entry.new) and "Lönepolicy" not in str(entry.new)


def test_revision_chain(response):
    first = add(response, "rutin.pdf")
    second = add(response, "rutin-v2.pdf", replaces=first.pk)
    third = add(response, "rutin-v3.txt", TXT, replaces=second.pk)
    assert (second.revision, third.revision) == (2, 3)
    assert second.replaces == first and third.replaces == second
    first.refresh_from_db()
    assert first.replaced_by == second
    # A replaced file cannot be replaced again: the chain stays a line.
    with pytest.raises(Conflict) as caught:
        add(response, "branch.pdf", replaces=first.pk)
    assert caught.value.code == "evidence_replaced"
    # Only a file of the same answer may be revised.
    other = add(response, "annat.pdf", key="r2")
    with pytest.raises(Invalid) as caught:
        add(response, "x.pdf", replaces=other.pk)
    assert caught.value.errors[0]["field"] == "replaces"
    assert Evidence.objects.count() == 4
    assert stored_files() == 4


def test_refused_files_store_nothing(response, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    for name, content in (("a.pdf", b"x" * 1001), ("a.exe", b"MZ"), ("a.pdf", b"MZ\x00")):
        with pytest.raises(Invalid) as caught:
            add(response, name, content)
        assert caught.value.errors[0]["field"] == "file"
    with pytest.raises(Invalid):
        add(response, replaces=123456)  # a rule failure after the file was checked
    assert Evidence.objects.count() == 0
    assert stored_files() == 0


def test_unknown_requirement_is_404(response):
    with pytest.raises(NotFound):
        add(response, key="finns-inte")
    assert stored_files() == 0


def test_submitted_response_takes_no_files_until_reopened(response):
    f.submit(response)
    with pytest.raises(Conflict):
        add(response)
    response_reopen(actor=None, response=response)
    assert add(response).revision == 1


def test_respondent_only_while_the_campaign_is_open(personas):
    now = timezone.now()
    closed = f.campaign(
        organisations=[personas.org_a],
        title="Stängd",
        opens_at=now - timezone.timedelta(days=10),
        closes_at=now - timezone.timedelta(days=1),
    )
    response = closed.responses.get(unit=personas.unit_a)
    with pytest.raises(Conflict):
        evidence_add(actor=None, response=response, requirement_key="r1",
                     file=("a.pdf", PDF), by_respondent=True)  # fmt: skip
    assert stored_files() == 0


def test_staff_out_of_scope_is_404(response, personas):
    with pytest.raises(NotFound):
        evidence_add(actor=personas.coordinator_b, response=response, requirement_key="r1",
                     file=("a.pdf", PDF))  # fmt: skip
    item = evidence_add(actor=personas.coordinator_a, response=response, requirement_key="r1",
                        file=("a.pdf", PDF))  # fmt: skip
    assert item.uploaded_by_user == personas.coordinator_a


def test_submitted_version_keeps_the_current_files(response):
    first = add(response, "rutin.pdf")
    second = add(response, "rutin-v2.pdf", replaces=first.pk, diary_number="Dnr 7")
    version = f.submit(response)
    items = {item["requirement"]: item for item in version.answers}
    assert [e["id"] for e in items["r1"]["evidence"]] == [second.pk]
    kept = items["r1"]["evidence"][0]
    assert kept["sha256"] == second.sha256 and kept["revision"] == 2
    assert kept["diary_number"] == "Dnr 7" and kept["filename"] == "rutin-v2.pdf"
    assert "evidence" not in items["r2"]  # an answer without files is as before


# ---- The API -----------------------------------------------------------------------------


def url(response, key="r1", tail=""):
    return f"/api/v1/responses/{response.pk}/answers/{key}/evidence{tail}"


def upload(client, response, name="policy.pdf", content=PDF, key="r1", **fields):
    return client.client.post(
        url(response, key),
        data={"file": SimpleUploadedFile(name, content, "application/octet-stream"), **fields},
        headers=client.headers,
    )


def test_api_upload_list_download(personas, response):
    client = personas.api(personas.coordinator_a)
    answer = upload(client, response, diary_number="KS 2024/9", effective_date="2024-02-01")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["size"] == len(PDF) and body["revision"] == 1
    assert body["diary_number"] == "KS 2024/9" and body["effective_date"] == "2024-02-01"
    assert body["replaces"] is None and body["replaced_by"] is None
    assert body["requirement"] == "r1" and body["uploaded_by"]
    second = upload(client, response, "policy-2.pdf", replaces=str(body["id"]))
    assert second.status_code == 201, second.content
    listed = client.get(url(response))
    assert listed.status_code == 200
    rows = listed.json()
    assert [r["revision"] for r in rows] == [1, 2]
    assert rows[0]["replaced_by"] == second.json()["id"] and rows[1]["replaces"] == body["id"]
    download = client.get(body["download"])
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]


def test_api_text_file_is_served_as_plain_text_attachment(personas, response):
    client = personas.api(personas.coordinator_a)
    body = upload(client, response, "rutin.txt", TXT).json()
    download = client.get(body["download"])
    assert download["Content-Type"].startswith("text/plain")
    assert download["Content-Disposition"].startswith("attachment")


def test_api_refusals_are_swedish_400_and_store_nothing(personas, response, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    client = personas.api(personas.coordinator_a)
    big = upload(client, response, "stor.pdf", PDF + b"x" * (1024 * 1024))
    assert big.status_code == 400
    assert big.json()["code"] == "file_too_large"
    assert big.json()["detail"] == "Filen är för stor: högst 1 MB."
    exe = upload(client, response, "program.exe", b"MZ\x90\x00")
    assert exe.status_code == 400 and exe.json()["code"] == "file_type"
    assert "Tillåtna" in exe.json()["detail"]
    fake = upload(client, response, "faktura.pdf", b"<html><script></script></html>")
    assert fake.status_code == 400 and "stämmer inte" in fake.json()["detail"]
    english = upload(personas.api(personas.coordinator_a, language="en"), response, "a.exe", b"MZ")
    assert english.status_code == 400 and "Allowed" in english.json()["detail"]
    bad_date = upload(client, response, effective_date="igår")
    assert bad_date.status_code == 400
    for replaces in ("abc", "²", "999999"):
        bad = upload(client, response, replaces=replaces)
        assert bad.status_code == 400, (replaces, bad.content)
        assert bad.json()["errors"][0]["field"] == "replaces"
    missing = client.client.post(url(response), data={}, headers=client.headers)
    assert missing.status_code == 400
    assert Evidence.objects.count() == 0
    assert stored_files() == 0


def test_api_scoping_other_organisation_is_404(personas, response):
    item = add(response)
    other = personas.api(personas.coordinator_b)
    assert other.get(url(response)).status_code == 404
    assert upload(other, response).status_code == 404
    assert other.get(url(response, tail=f"/{item.pk}/file")).status_code == 404
    # The file reached through another response of the caller's own scope is 404 too.
    own = response.campaign.responses.get(unit=personas.unit_b)
    assert other.get(url(own, tail=f"/{item.pk}/file")).status_code == 404
    assert personas.api().get(url(response)).status_code == 401
    city = personas.api(personas.city_coordinator)
    assert city.get(url(response)).status_code == 200
    assert city.get(url(response, "finns-inte")).status_code == 404
    assert Evidence.objects.count() == 1


def test_api_409_when_submitted(personas, response):
    f.submit(response)
    answer = upload(personas.api(personas.coordinator_a), response)
    assert answer.status_code == 409 and answer.json()["detail"]
    assert stored_files() == 0


def test_api_versions_include_the_files(personas, response):
    item = add(response)
    f.submit(response)
    versions = personas.api(personas.coordinator_a).get(f"/api/v1/responses/{response.pk}/versions")
    first = next(a for a in versions.json()[0]["answers"] if a["requirement"] == "r1")
    assert first["evidence"][0]["sha256"] == item.sha256


def test_api_listing_queries_do_not_grow_with_the_files(personas, response):
    client = personas.api(personas.coordinator_a)
    add(response)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(response)).status_code == 200
        return len(queries)

    count()  # the token's first use writes its last use
    one = count()
    previous = Evidence.objects.get()
    for n in range(6):
        previous = add(response, f"v{n}.pdf", replaces=previous.pk)
    add(response, "annan.txt", TXT)
    assert len(client.get(url(response)).json()) == 8
    assert count() == one


# ---- The pages ---------------------------------------------------------------------------


def page(response, key="r1"):
    return f"{response.respondent_path}/evidence/{key}"


def test_respondent_uploads_and_downloads_through_the_link(personas, response):
    web = personas.web()
    form = web.get(response.respondent_path)
    assert form.status_code == 200
    assert f'href="{page(response)}"' in form.content.decode()
    answer = web.post(page(response), {"file": SimpleUploadedFile("rutin.pdf", PDF),
                                       "diary_number": "KS 1", "effective_date": "2024-03-01"})  # fmt: skip
    assert answer.status_code == 302 and answer["Location"] == page(response)
    item = Evidence.objects.get()
    assert item.uploaded_by == "svarslänk" and item.uploaded_by_user is None
    listing = web.get(page(response)).content.decode()
    assert "rutin.pdf" in listing and item.sha256 in listing
    assert 'enctype="multipart/form-data"' in listing
    # A new revision through the form.
    answer = web.post(page(response), {"file": SimpleUploadedFile("rutin2.pdf", PDF),
                                       "replaces": str(item.pk)})  # fmt: skip
    assert answer.status_code == 302
    assert Evidence.objects.get(replaces=item).revision == 2
    # The answer form lists the current file only.
    html = web.get(response.respondent_path).content.decode()
    assert "rutin2.pdf" in html and "rutin.pdf<" not in html
    download = web.get(f"{page(response)}/{item.pk}")
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    # Another response's file is not reached through this link.
    other = response.campaign.responses.get(unit=personas.unit_b)
    assert web.get(f"{page(other)}/{item.pk}").status_code == 404
    assert web.get(page(response, "finns-inte")).status_code == 404


def test_respondent_refusal_is_shown_on_the_form_in_swedish(personas, response):
    answer = personas.web().post(page(response), {"file": SimpleUploadedFile("virus.exe", b"MZ")})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Filer av den här typen tas inte emot" in html
    assert Evidence.objects.count() == 0 and stored_files() == 0


def test_respondent_after_submission_gets_409_and_no_form(personas, response):
    f.submit(response)
    web = personas.web()
    assert 'type="file"' not in web.get(page(response)).content.decode()
    answer = web.post(page(response), {"file": SimpleUploadedFile("rutin.pdf", PDF)})
    assert answer.status_code == 409
    assert Evidence.objects.count() == 0


def test_staff_pages_are_scoped(personas, response):
    staff = f"/assessments/responses/{response.pk}/evidence/r1/"
    web = personas.web(personas.coordinator_a)
    answer = web.post(staff, {"file": SimpleUploadedFile("protokoll.docx", DOCX)})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    item = Evidence.objects.get()
    assert item.content_type.startswith("application/vnd.openxmlformats")
    html = web.get(f"/assessments/responses/{response.pk}/").content.decode()
    assert "protokoll.docx" in html and staff in html
    assert web.get(f"{staff}{item.pk}/").content == DOCX
    other = personas.web(personas.coordinator_b)
    assert other.get(staff).status_code == 404
    assert other.get(f"{staff}{item.pk}/").status_code == 404
    assert other.post(staff, {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 404
    anonymous = personas.web().get(staff)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert Evidence.objects.count() == 1


def test_response_page_queries_do_not_grow_with_the_files(personas, response):
    web = personas.web(personas.coordinator_a)
    add(response)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert web.get(f"/assessments/responses/{response.pk}/").status_code == 200
        return len(queries)

    one = count()
    previous = Evidence.objects.get()
    for n in range(4):
        previous = add(response, f"v{n}.pdf", replaces=previous.pk)
    add(response, "b.txt", TXT, key="r2")
    add(response, "c.png", PNG, key="r3")
    assert count() == one


def test_version_page_lists_the_files_it_kept(personas, response):
    first = add(response, "rutin.pdf")
    f.submit(response)
    web = personas.web()
    html = web.get(f"{response.respondent_path}/versions/1").content.decode()
    assert "rutin.pdf" in html and first.sha256 in html
    assert f"{page(response)}/{first.pk}" in html
    staff = personas.web(personas.coordinator_a)
    html = staff.get(f"/assessments/responses/{response.pk}/versions/1/").content.decode()
    assert f"/assessments/responses/{response.pk}/evidence/r1/{first.pk}/" in html


def test_demo_2019_responses_carry_evidence():
    from jamlik.assessments.models import Campaign
    from jamlik.demo import assessments as demo_assessments
    from jamlik.demo import organisations, users
    from jamlik.demo.loader import DemoResult

    result = DemoResult()
    result.organisations = organisations.load()
    result.logins = users.load(result.organisations)
    demo_assessments.load(result)
    c2019 = Campaign.objects.get(title=demo_assessments.TITLE_2019)
    files = Evidence.objects.filter(response__campaign=c2019)
    assert files.count() == 15 and files.filter(revision=2).count() == 5
    kept = [
        e
        for version in c2019.responses.get(pk=files.first().response_id).versions.all()
        for item in version.answers
        for e in item.get("evidence", [])
    ]
    assert len(kept) == 2  # the policy and the routine's second revision
    item = files.filter(content_type="application/pdf").first()
    assert rules.check(item.filename, evidence_file(item)[2]) == rules.PDF
    assert all(e.uploaded_at.year == 2019 for e in files)
    demo_assessments.load(result)  # idempotent: the campaign exists, nothing is added
    assert Evidence.objects.count() == 15


def test_an_answer_holds_a_bounded_number_of_files(response, monkeypatch):
    monkeypatch.setattr(rules, "MAX_FILES_PER_ANSWER", 2)
    add(response)
    add(response)
    with pytest.raises(Conflict) as caught:
        add(response)
    assert caught.value.code == "too_many_files"
    assert add(response, key="r2").revision == 1
    assert stored_files() == 3
