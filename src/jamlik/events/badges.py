"""Name badges as PDF: A4 sheets of 2 × 4 badges (90 × 64 mm), each with the person's name,
organisation, the event and a QR code of the check-in payload (the same payload as the QR
image in the confirmation e-mail, ``links.checkin_payload``), drawn by WeasyPrint from HTML
with the QR code embedded as SVG by segno."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from jamlik.events import links

PER_SHEET = 8


def qr_svg(payload: str) -> str:
    """An inline SVG of the payload's QR code (no XML declaration, scalable)."""
    import segno

    buffer = io.BytesIO()
    segno.make(payload, error="m").save(
        buffer,
        kind="svg",
        xmldecl=False,
        svgns=True,
        nl=False,
        border=1,
        scale=1,
        omitsize=True,
    )
    return buffer.getvalue().decode()


def badge_items(registrations: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": registration.name,
            "title": registration.title,
            "organisation": registration.organisation.name if registration.organisation else "",
            "qr": mark_safe(qr_svg(links.checkin_payload(registration))),
        }
        for registration in registrations
    ]


def badges_html(event: Any, registrations: Iterable[Any]) -> str:
    items = badge_items(registrations)
    sheets = [items[i : i + PER_SHEET] for i in range(0, len(items), PER_SHEET)]
    return render_to_string("events/badges.html", {"event": event, "sheets": sheets})


def badges_pdf(event: Any, registrations: Iterable[Any]) -> bytes:
    from weasyprint import HTML

    return HTML(string=badges_html(event, registrations)).write_pdf()
