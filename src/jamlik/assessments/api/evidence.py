"""The evidence endpoints (staff): the files of one answer, adding a file or a new revision
(multipart), and one file's download. The response is reached through the caller's scope
(``response_get``: another organisation's response is 404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, File, Form, Schema, Status, UploadedFile

from jamlik.assessments import selectors
from jamlik.assessments.api.common import DateTimeOut, router
from jamlik.assessments.models import Evidence
from jamlik.assessments.selectors.evidence import evidence_get, evidence_list
from jamlik.assessments.services.evidence import evidence_add, evidence_file
from jamlik.assessments.views.evidence import safe_attachment
from jamlik.core.api import errors


class EvidenceOut(Schema):
    id: int
    requirement: str
    filename: str
    content_type: str
    size: int
    sha256: str
    diary_number: str
    effective_date: dt.date | None
    revision: int
    replaces: int | None = Field(None, validation_alias="replaces_id")
    replaced_by: int | None = Field(None, validation_alias="successor_id")
    uploaded_at: DateTimeOut
    uploaded_by: str
    download: str

    @staticmethod
    def resolve_requirement(evidence: Evidence) -> str:
        return evidence.requirement.key

    @staticmethod
    def resolve_download(evidence: Evidence) -> str:
        return reverse(
            "api:download_evidence",
            kwargs={
                "response_id": evidence.response_id,
                "requirement_key": evidence.requirement.key,
                "evidence_id": evidence.pk,
            },
        )


def _form_fields(diary_number: str, effective_date: str, replaces: str) -> dict[str, Any]:
    """The multipart fields as the input model takes them: blank is "none"; an id that is
    not a number is left as text for the model to refuse."""
    data: dict[str, Any] = {"diary_number": diary_number}
    if effective_date.strip():
        data["effective_date"] = effective_date.strip()
    if replaces.strip():
        try:
            data["replaces"] = int(replaces.strip())
        except ValueError:
            data["replaces"] = replaces
    return data


@router.get(
    "/responses/{response_id}/answers/{requirement_key}/evidence", response=list[EvidenceOut]
)
def list_evidence(request: HttpRequest, response_id: int, requirement_key: str) -> Any:
    response = selectors.response_get(user=request.user, pk=response_id)
    return evidence_list(response=response, requirement_key=requirement_key)


@router.post(
    "/responses/{response_id}/answers/{requirement_key}/evidence",
    response={201: EvidenceOut, **errors(409)},
)
def add_evidence(
    request: HttpRequest,
    response_id: int,
    requirement_key: str,
    file: File[UploadedFile],
    diary_number: Form[str] = "",
    effective_date: Form[str] = "",
    replaces: Form[str] = "",
) -> Any:
    """Add a file (multipart ``file``; optional ``diary_number``, ``effective_date``
    YYYY-MM-DD, and ``replaces``: the id of the current file it revises). 400
    ``file_too_large`` / ``file_type`` with nothing stored; 409 when the response is
    submitted or the campaign closed, or ``evidence_replaced`` when ``replaces`` names a file
    replaced already."""
    response = selectors.response_get(user=request.user, pk=response_id)
    evidence = evidence_add(
        actor=request.user,
        response=response,
        requirement_key=requirement_key,
        file=file,
        data=_form_fields(diary_number, effective_date, replaces),
    )
    return Status(201, evidence)


@router.get(
    "/responses/{response_id}/answers/{requirement_key}/evidence/{evidence_id}/file",
    response={200: None},
    url_name="download_evidence",
)
def download_evidence(
    request: HttpRequest, response_id: int, requirement_key: str, evidence_id: int
) -> HttpResponse:
    """The file's bytes, always as an attachment with the type its content was checked to
    be (never one sent by the uploader) and ``X-Content-Type-Options: nosniff``."""
    response = selectors.response_get(user=request.user, pk=response_id)
    evidence = evidence_get(response=response, requirement_key=requirement_key, pk=evidence_id)
    return safe_attachment(evidence_file(evidence))
