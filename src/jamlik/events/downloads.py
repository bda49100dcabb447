"""The files the pages and the API hand out, built once: a registration's calendar file
(``kalender.ics``, the name its confirmation mail attaches — docs/rules.md#events-mail) and the
name badges PDF."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

from jamlik.events.models import Event, Registration

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


def badges_response(event: Event, registrations: Iterable[Any]) -> HttpResponse:
    """Name badges of ``registrations`` (``selectors.badge_registrations``) as a PDF."""
    from jamlik.events import badges
    from jamlik.events.services.exports import PDF, badges_filename

    pdf = badges.badges_pdf(event, registrations)
    return _attachment(HttpResponse(pdf, content_type=PDF), badges_filename(event))
