"""The files the pages and the API hand out, built once: a registration's calendar file
(``kalender.ics``, the name its confirmation mail attaches — docs/rules.md#events-mail). The
name badges PDF is in ``services.exports``, where it may become a file job."""

from __future__ import annotations

from django.http import HttpResponse

from jamlik.events.models import Registration

CALENDAR_NAME = "kalender.ics"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def calendar_response(registration: Registration) -> HttpResponse:
    """The registration's event as an RFC 5545 file (UTC), for ``/m/<token>/calendar.ics`` and
    ``GET /api/v1/public/registrations/{token}/calendar.ics``."""
    from jamlik.events.services.mail import calendar_file

    body = calendar_file(registration, registration.event)
    return _attachment(
        HttpResponse(body, content_type="text/calendar; charset=utf-8"), CALENDAR_NAME
    )
