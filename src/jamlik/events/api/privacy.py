"""Privacy endpoints (docs/api.md#privacy): the protected mark of a registration, the needs
of an event as counts per need, and a person's data export (GDPR art. 15)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Schema

from jamlik.core.api import errors
from jamlik.events import policies, selectors
from jamlik.events.api._common import RegistrationOut, _allowed, _user, router
from jamlik.events.privacy import PersonExportIn, ProtectedIdentityIn
from jamlik.events.services import person_export as exporting
from jamlik.events.services.privacy import registration_set_protected


class NeedCountOut(Schema):
    kind: str
    need: str
    count: int


class NeedsPersonOut(Schema):
    id: int
    name: str
    dietary: str
    accessibility: str
    protected_identity: bool


class NeedsOut(Schema):
    counts: list[NeedCountOut]
    # Only for the city's coordinators (``may_see_needs_of_people``); [] for others.
    people: list[NeedsPersonOut]
    erase_after_days: int


@router.get("/events/{event_id}/needs", response=NeedsOut)
def event_needs(request: HttpRequest, event_id: int) -> Any:
    user = _allowed(request, policies.may_see_dashboard)
    event = selectors.event_get(user=user, pk=event_id)
    overview = selectors.needs_overview(user=user, event=event)
    return {
        "counts": overview.counts,
        "people": overview.people,
        "erase_after_days": overview.erase_after_days,
    }


@router.put(
    "/events/{event_id}/registrations/{registration_id}/protected",
    response={200: RegistrationOut, **errors(403)},
)
def set_protected(
    request: HttpRequest, event_id: int, registration_id: int, payload: ProtectedIdentityIn
) -> Any:
    user = _allowed(request, policies.may_see_protected_identity)
    event = selectors.event_get(user=user, pk=event_id)
    registration = selectors.registration_get(user=user, event=event, pk=registration_id)
    registration_set_protected(
        actor=user, registration=registration, protected=payload.protected_identity
    )
    return selectors.with_positions([registration], event)[0]


class ExportFormat(Schema):
    format: Literal["json", "pdf"] = "json"


@router.post("/people/export", response={200: dict[str, Any], **errors(403)})
def people_export(request: HttpRequest, payload: PersonExportIn, query: Query[ExportFormat]) -> Any:
    """Everything held about one e-mail address; ``?format=pdf`` for the readable PDF."""
    user = _user(request)
    pdf = query.format == "pdf"
    data = exporting.person_export(actor=user, email=payload.email, pdf=pdf)
    if pdf:
        response = HttpResponse(exporting.person_export_pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="registerutdrag.pdf"'
        response["Cache-Control"] = "no-store, private"
        return response
    return data
