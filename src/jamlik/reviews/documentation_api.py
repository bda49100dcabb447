"""The yearly documentation endpoints (docs/api.md#yearly-documentation): an organisation's
documented years with their versions, a new version, and the document as PDF or DOCX.

Every staff user may use them for the organisations in their scope; any other organisation
answers 404, as if it did not exist. A document is small, so the files are answered at once
(no file job).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from jamlik.core import filejobs
from jamlik.core.api import errors
from jamlik.reviews.inputs import DocumentationIn
from jamlik.reviews.services import documentation as service

router = Router(tags=["reviews"])


class DocumentationVersionOut(Schema):
    number: int
    author: str
    created_at: dt.datetime
    created_by: int | None = Field(None, validation_alias="created_by_id")
    sections: dict[str, str]


class DocumentationYearOut(Schema):
    year: int
    versions: list[DocumentationVersionOut]


class DocumentationOut(Schema):
    organisation: int
    years: list[DocumentationYearOut]


class VersionFilter(Schema):
    version: int | None = Field(None, ge=1, description="A version number; left out: the latest.")


@router.get("/organisations/{organisation_id}/documentation", response=DocumentationOut)
def list_documentation(request: HttpRequest, organisation_id: int) -> Any:
    """The years the organisation has documented, newest first, each with its versions
    (newest first)."""
    organisation = service.documentation_organisation(user=request.user, pk=organisation_id)
    return {
        "organisation": organisation.pk,
        "years": [
            {"year": d.year, "versions": versions} for d, versions in service.years_of(organisation)
        ],
    }


@router.post(
    "/organisations/{organisation_id}/documentation",
    response={201: DocumentationVersionOut, **errors(403)},
)
def create_documentation_version(
    request: HttpRequest, organisation_id: int, payload: DocumentationIn
) -> Any:
    """A new version for ``year``; sections left out keep the latest version's text (or the
    text drawn from the year's self-assessment when there is none yet)."""
    organisation = service.documentation_organisation(user=request.user, pk=organisation_id)
    version = service.documentation_save(
        actor=request.user, organisation=organisation, data=payload
    )
    return Status(201, version)


def _file(
    request: HttpRequest, organisation_id: int, year: int, version: int | None, *, docx: bool
) -> HttpResponse:
    organisation = service.documentation_organisation(user=request.user, pk=organisation_id)
    return filejobs.attachment(
        service.document_file(
            user=request.user, organisation=organisation, year=year, number=version, docx=docx
        )
    )


@router.get(
    "/organisations/{organisation_id}/documentation/{year}.pdf",
    response={200: None, **errors(403)},
)
def documentation_pdf(
    request: HttpRequest, organisation_id: int, year: int, filters: Query[VersionFilter]
) -> HttpResponse:
    """The year's document as PDF (the latest version, or ``?version=``)."""
    return _file(request, organisation_id, year, filters.version, docx=False)


@router.get(
    "/organisations/{organisation_id}/documentation/{year}.docx",
    response={200: None, **errors(403)},
)
def documentation_docx(
    request: HttpRequest, organisation_id: int, year: int, filters: Query[VersionFilter]
) -> HttpResponse:
    """The year's document as DOCX (the latest version, or ``?version=``)."""
    return _file(request, organisation_id, year, filters.version, docx=True)
