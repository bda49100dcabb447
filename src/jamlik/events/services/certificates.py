"""The certificate of participation (deltagarintyg): a one-page PDF, drawn by WeasyPrint
from HTML like the name badges, for a registration whose person came (confirmed and
checked in), in the registration's language (Swedish or English). Anybody else's does not
exist (404). The manage page links it, and the mail after the event (services.evaluation)
carries the link (docs/rules.md#events-evaluation)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from jamlik.events.models import Registration
from jamlik.events.selectors import evaluation as reads

PDF = "application/pdf"
LANGUAGES = ("sv", "en")


def certificate_language(registration: Registration) -> str:
    language = (registration.language or "sv")[:2].lower()
    return language if language in LANGUAGES else "sv"


def certificate_filename(registration: Registration) -> str:
    if certificate_language(registration) == "en":
        return f"certificate-{registration.event_id}.pdf"
    return f"deltagarintyg-{registration.event_id}.pdf"


def certificate_html(registration: Registration) -> str:
    """The certificate's HTML; ``NotAttended`` (404) unless the person came."""
    if not reads.attended(registration):
        from jamlik.events.evaluation import NotAttended

        raise NotAttended()
    language = certificate_language(registration)
    with translation.override(language):
        return render_to_string(
            "events/certificate.html",
            {
                "event": registration.event,
                "registration": registration,
                "organisation": registration.organisation,
                "language": language,
            },
        )


def certificate_pdf(registration: Registration) -> bytes:
    from weasyprint import HTML

    return HTML(string=certificate_html(registration)).write_pdf()


def certificate_by_manage_token(token: str) -> tuple[str, str, bytes]:
    """(filename, content type, PDF) of the person behind a manage link who came; 404
    otherwise."""
    registration = reads.attendee_by_manage_token(token)
    return certificate_filename(registration), PDF, certificate_pdf(registration)
