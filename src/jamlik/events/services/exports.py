"""The name badges PDF of an event as a file job (``core.filejobs``): the dashboard's button
and the API start it, the worker builds it with a progress bar (about 5 s per 500 badges).

``badges_start`` asks the same policy as the synchronous download; the caller has resolved
the event through the selectors (404 at once). ``badges_build``, the registered builder, runs
on the worker with the owner fetched afresh and resolves the event and the registrations
again through the same selectors, so the file holds the people the owner may see when it is
built (an org coordinator: their subtree's), exactly as ``GET …/badges.pdf`` would."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jamlik.core import filejobs
from jamlik.core.models import FileJob
from jamlik.events import badges, policies, selectors
from jamlik.events.models import Event

BADGES_PDF = "events.badges_pdf"
BADGES_PDF_LABEL = _("Name badges (PDF)")
PDF = "application/pdf"
# The most badges ``GET …/badges.pdf`` builds in the request (about 10 ms each): more go to
# the worker (core.filejobs.fits_in_request).
BADGES_IN_REQUEST = 40


def badges_start(*, actor: Any, event: Event, language: str | None = None) -> FileJob:
    """Queue the event's name badges for ``actor``; the job to follow."""
    policies.require(policies.may_export_registrations, actor)
    return filejobs.file_job_start(
        actor=actor, kind=BADGES_PDF, params={"event": event.pk}, language=language
    )


def badges_now_or_job(
    *, actor: Any, event: Event, language: str | None = None
) -> filejobs.File | FileJob:
    """The answer to the direct download ``GET …/badges.pdf``: the PDF itself when it is
    small, otherwise the job that builds it (the page then shows its progress, the API
    answers 202)."""
    policies.require(policies.may_export_registrations, actor)
    registrations = selectors.badge_registrations(user=actor, event=event)
    if filejobs.fits_in_request(BADGES_PDF, len(registrations)):
        return badges_filename(event), PDF, badges.badges_pdf(event, registrations)
    return badges_start(actor=actor, event=event, language=language)


def badges_build(user: Any, params: dict[str, Any], progress: filejobs.Progress) -> filejobs.File:
    """The builder of ``BADGES_PDF`` (registered in ``EventsConfig.ready``)."""
    policies.require(policies.may_export_registrations, user)
    event = selectors.event_get(user=user, pk=params.get("event"))
    registrations = selectors.badge_registrations(user=user, event=event)
    content = badges.badges_pdf(event, registrations, progress)
    return badges_filename(event), PDF, content


def badges_filename(event: Event) -> str:
    return f"namnbrickor-{event.pk}.pdf"
