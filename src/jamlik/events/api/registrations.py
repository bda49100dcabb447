"""Registrations of an event: list, one, cancel, anonymise, check-in, the exports and badges;
messages to the participants."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Status

from jamlik.core import filejobs
from jamlik.core.api import FileJobOut, errors, job_accepted, paginate
from jamlik.core.exports import csv_response, xlsx_response
from jamlik.core.i18n import request_language
from jamlik.core.models import FileJob
from jamlik.core.schemas import organisation_ref
from jamlik.events import policies, selectors, services
from jamlik.events.api._common import (
    MessageIn,
    MessageOut,
    RegistrationFilter,
    RegistrationOut,
    _allowed,
    _user,
    router,
)

# ---- Registrations, check-in, exports ---------------------------------------------------------------------


@router.get("/events/{event_id}/registrations", response=list[RegistrationOut])
def list_registrations(
    request: HttpRequest,
    response: HttpResponse,
    event_id: int,
    filters: Query[RegistrationFilter],
) -> Any:
    user = _user(request)
    event = selectors.event_get(user=user, pk=event_id)
    registrations = selectors.registration_list(
        user=user,
        event=event,
        status=filters.status,
        organisation=organisation_ref(filters.organisation, field="organisation"),
        q=filters.q,
        code=filters.code,
    )
    return selectors.with_positions(paginate(request, response, registrations), event)


def _registration(
    request: HttpRequest, event_id: int, registration_id: int
) -> tuple[Any, Any, Any]:
    """The caller, the event and one of its registrations the caller may see (else 404)."""
    user = _user(request)
    event = selectors.event_get(user=user, pk=event_id)
    return user, event, selectors.registration_get(user=user, event=event, pk=registration_id)


# ---- A coordinator registers other people (one by one, or a list) ---------------------------------
# (Declared before ``…/registrations/{registration_id}``: the paths are matched in the order
# they are declared, and ``import`` would otherwise be taken for a registration id.)

from ninja import File, Form, Schema, UploadedFile  # noqa: E402

from jamlik.events.inputs import StaffRegistrationIn  # noqa: E402


class ImportOut(Schema):
    created: int
    confirmed: int
    pending_approval: int
    waiting: int
    registrations: list[int]


@router.post(
    "/events/{event_id}/registrations",
    response={201: RegistrationOut, **errors(403, 409)},
)
def create_registration(request: HttpRequest, event_id: int, payload: StaffRegistrationIn) -> Any:
    """Register a person on their behalf (``organisation``: id, in the caller's scope), by
    the seat rules of a registration through the organisation's link; the person is mailed
    the confirmation with their manage link. 409 ``already_registered`` for an address that
    holds a registration, and the seat rules' refusals."""
    user = _allowed(request, policies.may_register_others)
    event = selectors.event_get(user=user, pk=event_id)
    outcome = services.registration_create_by_staff(
        actor=user, event=event, data=payload, language=request_language(request)
    )
    return Status(201, selectors.with_positions([outcome.registration], event)[0])


@router.post(
    "/events/{event_id}/registrations/import",
    response={201: ImportOut, **errors(403, 409)},
)
def import_registrations(
    request: HttpRequest,
    event_id: int,
    file: File[UploadedFile],
    category: Form[str] = "",
) -> Any:
    """Register everyone on a list (multipart ``file``: CSV or XLSX; ``category``: optional,
    the event's default) or nobody: 400 ``import_invalid`` with an error per line
    (``field``: ``rows.<line>``, or ``file``), nothing stored."""
    user = _allowed(request, policies.may_register_others)
    event = selectors.event_get(user=user, pk=event_id)
    result = services.registrations_import(
        actor=user, event=event, file=file, category=category, language=request_language(request)
    )
    return Status(
        201,
        {
            "created": result.created,
            "confirmed": result.confirmed,
            "pending_approval": result.pending_approval,
            "waiting": result.waiting,
            "registrations": [r.pk for r in result.registrations],
        },
    )


@router.get("/events/{event_id}/registrations/{registration_id}", response=RegistrationOut)
def get_registration(request: HttpRequest, event_id: int, registration_id: int) -> Any:
    _, event, registration = _registration(request, event_id, registration_id)
    return selectors.with_positions([registration], event)[0]


def _act_on_registration(
    request: HttpRequest, event_id: int, registration_id: int, action: Any
) -> Any:
    """Run one service (``action(registration=, actor=)``) on a registration the caller may
    see, and answer with the registration as it is afterwards."""
    user, event, registration = _registration(request, event_id, registration_id)
    action(registration=registration, actor=user)
    return selectors.registration_get(user=user, event=event, pk=registration_id)


@router.post(
    "/events/{event_id}/registrations/{registration_id}/cancel",
    response={200: RegistrationOut, **errors(409)},
)
def cancel_registration(request: HttpRequest, event_id: int, registration_id: int) -> Any:
    return _act_on_registration(request, event_id, registration_id, services.registration_cancel)


@router.post(
    "/events/{event_id}/registrations/{registration_id}/anonymise",
    response={200: RegistrationOut, **errors(403, 409)},
)
def anonymise_registration(request: HttpRequest, event_id: int, registration_id: int) -> Any:
    """Erase the person's data on request (city coordinators and admins; 403 otherwise). An
    active registration is cancelled first; the registration stays for the statistics."""
    return _act_on_registration(request, event_id, registration_id, services.registration_anonymise)


@router.post(
    "/events/{event_id}/registrations/{registration_id}/check-in",
    response={200: RegistrationOut, **errors(409)},
)
def check_in(request: HttpRequest, event_id: int, registration_id: int) -> Any:
    return _act_on_registration(request, event_id, registration_id, services.registration_check_in)


@router.delete(
    "/events/{event_id}/registrations/{registration_id}/check-in", response=RegistrationOut
)
def undo_check_in(request: HttpRequest, event_id: int, registration_id: int) -> Any:
    return _act_on_registration(
        request, event_id, registration_id, services.registration_check_in_undo
    )


def _export_name(event: Any, extension: str) -> str:
    return f"anmalningar-{event.pk}.{extension}"


@router.get("/events/{event_id}/export.csv")
def export_csv(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _allowed(request, policies.may_export_registrations)
    event = selectors.event_get(user=user, pk=event_id)
    rows = selectors.export_rows(user=user, event=event)
    return csv_response(_export_name(event, "csv"), selectors.EXPORT_HEADER, rows)


@router.get("/events/{event_id}/export.xlsx")
def export_xlsx(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _allowed(request, policies.may_export_registrations)
    event = selectors.event_get(user=user, pk=event_id)
    rows = selectors.export_rows(user=user, event=event)
    return xlsx_response(
        _export_name(event, "xlsx"),
        [(_("Registrations"), selectors.EXPORT_HEADER, rows)],
    )


@router.get("/events/{event_id}/badges.pdf", response={200: None, 202: FileJobOut})
def badges_pdf(request: HttpRequest, response: HttpResponse, event_id: int) -> Any:
    """Name badges of the confirmed participants the caller may see (A4, 8 a sheet). More
    than a few (``BADGES_IN_REQUEST``) are built by the worker: 202 with the job, as
    ``POST exports/badges`` answers."""
    user = _allowed(request, policies.may_export_registrations)
    event = selectors.event_get(user=user, pk=event_id)
    result = services.badges_now_or_job(actor=user, event=event, language=request_language(request))
    if isinstance(result, FileJob):
        return job_accepted(result, response)
    return filejobs.attachment(result)


@router.post("/events/{event_id}/exports/badges", response={202: FileJobOut})
def start_badges(request: HttpRequest, response: HttpResponse, event_id: int) -> Any:
    """The name badges built by the worker: 202 with the job (``Location``: ``/jobs/{id}``);
    its file, the same PDF as ``badges.pdf``, is at ``/jobs/{id}/file`` once ``status`` is
    ``done``."""
    user = _allowed(request, policies.may_export_registrations)
    event = selectors.event_get(user=user, pk=event_id)
    job = services.badges_start(actor=user, event=event, language=request_language(request))
    return job_accepted(job, response)


# ---- Messages to participants -----------------------------------------------------------------------------


@router.get("/events/{event_id}/messages", response=list[MessageOut])
def list_messages(request: HttpRequest, response: HttpResponse, event_id: int) -> Any:
    user = _user(request)
    event = selectors.event_get(user=user, pk=event_id)
    return paginate(request, response, selectors.message_list(user=user, event=event))


@router.post("/events/{event_id}/messages", response={202: MessageOut})
def send_message(request: HttpRequest, event_id: int, payload: MessageIn) -> Any:
    """Mail a message to the event's participants (confirmed and held unless ``statuses``
    says otherwise); an org coordinator reaches the people of their organisation only."""
    user = _user(request)
    event = selectors.event_get(user=user, pk=event_id)
    message = services.event_message_send(
        actor=user,
        event=event,
        subject=payload.subject,
        body=payload.body,
        statuses=payload.statuses,
    )
    return Status(202, message)
