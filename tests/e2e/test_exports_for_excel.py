"""The organiser's downloads in a real browser are made for Swedish Excel (issue "The
experience", item 6): the CSV in UTF-8 with BOM, semicolons and Swedish headings; the XLSX
with Swedish headings."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import login
from tests.factories.events import AllocationFactory, EventFactory, register

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dashboard_downloads_open_in_swedish_excel(live_server, browser_page, personas):
    event = EventFactory(title="Jämlikhetskonferensen", capacity=50)
    AllocationFactory(event=event, name="A", quota=10, organisations=[personas.org_a])
    register(event, personas.org_a, name="Åsa Öberg")
    page = browser_page()
    login(page, live_server, personas.city_coordinator)
    page.goto(f"{live_server.url}/events/{event.pk}/")
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="CSV").first.click()
    raw = Path(csv_download.value.path()).read_bytes()
    assert raw.startswith("\ufeff".encode())
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("ID;Namn;E-post;Organisation;")
    assert "Åsa Öberg" in lines[1] and lines[1].count(";") == lines[0].count(";")
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="XLSX").first.click()
    book = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    assert [c.value for c in book.active[1]][:3] == ["ID", "Namn", "E-post"]
