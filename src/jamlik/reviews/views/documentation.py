"""The yearly documentation of active measures (Diskrimineringslagen 3 kap. 13 §): the
overview of which employers have produced theirs for a year, the editor (each save a new
version), an old version, and the document as PDF and DOCX.

Every staff user may use them for the organisations in their scope; others answer 404
(``services.documentation.documentation_organisation``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from jamlik.core import filejobs
from jamlik.core.errors import NotFound
from jamlik.core.formpost import handle_form
from jamlik.reviews.documentation import SECTIONS
from jamlik.reviews.forms import DocumentationForm
from jamlik.reviews.inputs import EARLIEST_YEAR, LATEST_YEAR
from jamlik.reviews.services import documentation as service

YEARS_OFFERED = 6  # the overview's year choices: this year and the five before


def _year(value: Any) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise NotFound()
    return year


def _edit_url(organisation_id: int, year: int) -> str:
    return reverse("reviews:documentation_edit", args=[organisation_id, year])


@login_required
def documentation_overview(request: HttpRequest) -> HttpResponse:
    current = service.this_year()
    raw = request.GET.get("year")
    year = _year(raw) if raw else current
    rows = service.overview(user=request.user, year=year)
    years = sorted({*range(current, current - YEARS_OFFERED, -1), year}, reverse=True)
    return render(
        request,
        "reviews/documentation_overview.html",
        {
            "year": year,
            "years": years,
            "rows": rows,
            "produced": sum(1 for r in rows if r.produced),
        },
    )


@login_required
def documentation_edit(request: HttpRequest, organisation_id: int, year: int) -> HttpResponse:
    year = _year(year)
    organisation = service.documentation_organisation(user=request.user, pk=organisation_id)
    sections, prefilled = service.current_sections(organisation, year)
    versions = service.versions_of(service.documentation_of(organisation, year))
    author = versions[0].author if versions else (getattr(request.user, "name", "") or "")
    form = DocumentationForm(request.POST or None, initial={"author": author, **sections})
    return handle_form(
        request,
        form,
        lambda data: service.documentation_save(
            actor=request.user, organisation=organisation, data={**data, "year": year}
        ),
        template="reviews/documentation_form.html",
        context={
            "organisation": organisation,
            "year": year,
            "versions": versions,
            "prefilled": prefilled,
        },
        success_message=lambda version: (
            _("Version %(number)s was saved.") % {"number": version.number}
        ),
        success_url=_edit_url(organisation.pk, year),
        invalid_status=200,
    )


@login_required
def documentation_version(
    request: HttpRequest, organisation_id: int, year: int, number: int
) -> HttpResponse:
    year = _year(year)
    organisation = service.documentation_organisation(user=request.user, pk=organisation_id)
    version = service.version_get(organisation, year, number)
    data = service.document_data(version)
    latest = service.version_get(organisation, year)
    return render(
        request,
        "reviews/documentation_version.html",
        {
            "organisation": organisation,
            "year": year,
            "version": version,
            "data": data,
            "is_latest": latest.pk == version.pk,
            "sections": SECTIONS,
        },
    )


def _file(request: HttpRequest, organisation_id: int, year: int, *, docx: bool) -> HttpResponse:
    year = _year(year)
    organisation = service.documentation_organisation(user=request.user, pk=organisation_id)
    raw = request.GET.get("version")
    number = _version_number(raw) if raw else None
    return filejobs.attachment(
        service.document_file(
            user=request.user, organisation=organisation, year=year, number=number, docx=docx
        )
    )


def _version_number(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise NotFound() from None
    if number < 1:
        raise NotFound()
    return number


@login_required
def documentation_pdf(request: HttpRequest, organisation_id: int, year: int) -> HttpResponse:
    return _file(request, organisation_id, year, docx=False)


@login_required
def documentation_docx(request: HttpRequest, organisation_id: int, year: int) -> HttpResponse:
    return _file(request, organisation_id, year, docx=True)
