"""A person's data export (GDPR art. 15, "registerutdrag"): everything Jämlik holds about one
e-mail address, across events, the reviews' group notes and the assessments, as one JSON
document and a readable PDF (docs/rules.md#privacy-person-export).

For the city's coordinators and administrators only (``may_export_person_data``), and every
export writes an audit row. The address itself never goes into the audit row or a log line:
the row keeps a keyed hash of it (``subject``), so that the office can tell afterwards
whether a given address was exported, without the log holding the address.

The other apps' models are read through ``apps.get_model``: the events app does not import
the reviews or assessments apps (they import it)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import timezone

from jamlik.core.audit import audit_log
from jamlik.events import policies
from jamlik.events.models import Registration
from jamlik.events.privacy import PersonExportIn

FORMAT_VERSION = 1


def subject_hash(email: str) -> str:
    """A keyed hash of the (lower-cased) address: what the audit row keeps instead of it."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def clean_email(value: Any) -> str:
    """The address to look for, checked as every address field checks it (400)."""
    return PersonExportIn.take(email=value).email


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _registrations(email: str) -> list[dict[str, Any]]:
    rows = (
        Registration.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower=email.lower())
        .select_related("event", "organisation", "allocation", "needs")
        .prefetch_related("sessions")
        .order_by("event__starts_at", "id")
    )
    out = []
    for r in rows:
        out.append(
            {
                "id": r.pk,
                "event": {
                    "id": r.event_id,
                    "title": r.event.title,
                    "starts_at": _iso(r.event.starts_at),
                    "ends_at": _iso(r.event.ends_at),
                    "venue": r.event.venue,
                },
                "name": r.name,
                "email": r.email,
                "title": r.title,
                "category": r.category,
                "organisation": r.organisation.name if r.organisation else None,
                "allocation": r.allocation.name if r.allocation else None,
                "status": r.status,
                "manager_email": r.manager_email,
                "language": r.language,
                "protected_identity": r.protected_identity,
                "needs": {"dietary": r.dietary, "accessibility": r.accessibility},
                "sessions": [
                    {
                        "id": s.pk,
                        "title": s.title,
                        "starts_at": _iso(s.starts_at),
                        "room": s.room,
                    }
                    for s in sorted(r.sessions.all(), key=lambda s: (s.starts_at, s.pk))
                ],
                "registered_at": _iso(r.created_at),
                "consent_at": _iso(r.consent_at),
                "checked_in_at": _iso(r.checked_in_at),
                "cancelled_at": _iso(r.cancelled_at),
                "decided_at": _iso(r.decided_at),
                "anonymised_at": _iso(r.anonymised_at),
            }
        )
    return out


def _named_as_manager(email: str) -> list[dict[str, Any]]:
    """Registrations where the address is the approving manager's: the address is theirs,
    the employee's data is not (only the event and the registration's number)."""
    rows = (
        Registration.objects.annotate(manager_lower=Lower("manager_email"))
        .filter(manager_lower=email.lower())
        .select_related("event")
        .order_by("event__starts_at", "id")
    )
    return [
        {"registration": r.pk, "event": r.event.title, "status": r.status, "role": "manager"}
        for r in rows
    ]


def _mails(email: str) -> list[dict[str, Any]]:
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    rows = (
        OutboxMessage.objects.annotate(to_lower=Lower("to"))
        .filter(to_lower=email.lower())
        .order_by("created_at", "id")
    )
    return [
        {
            "id": m.pk,
            "kind": m.kind,
            "subject": m.subject,
            "status": m.status,
            "created_at": _iso(m.created_at),
            "sent_at": _iso(m.sent_at),
            "body": m.body_text,
        }
        for m in rows
    ]


def _history(registration_ids: list[int]) -> list[dict[str, Any]]:
    AuditEntry = apps.get_model("core", "AuditEntry")
    rows = AuditEntry.objects.filter(
        object_type=Registration._meta.label_lower,
        object_id__in=[str(pk) for pk in registration_ids],
    ).order_by("at", "id")
    return [{"registration": int(a.object_id), "action": a.action, "at": _iso(a.at)} for a in rows]


def _breakout_notes(registration_ids: list[int]) -> list[dict[str, Any]]:
    """The reviews' workshop groups the person sat in, with the group's notes (they may
    name them or what they said)."""
    if not apps.is_installed("jamlik.reviews"):
        return []
    BreakoutMember = apps.get_model("reviews", "BreakoutMember")
    BreakoutNotes = apps.get_model("reviews", "BreakoutNotes")
    members = (
        BreakoutMember.objects.filter(registration_id__in=registration_ids)
        .select_related("breakout", "event")
        .order_by("event_id", "breakout__number")
    )
    member_list = list(members)
    notes = {
        n.breakout_id: n
        for n in BreakoutNotes.objects.filter(breakout_id__in=[m.breakout_id for m in member_list])
    }
    out = []
    for m in member_list:
        note = notes.get(m.breakout_id)
        out.append(
            {
                "event": m.event.title,
                "group": m.breakout.number,
                "registration": m.registration_id,
                "notes": None
                if note is None
                else {
                    "shared": note.shared,
                    "questions": note.questions,
                    "wishes": note.wishes,
                    "updated_at": _iso(note.updated_at),
                },
            }
        )
    return out


def _board_reports(email: str) -> list[dict[str, Any]]:
    if not apps.is_installed("jamlik.reviews"):
        return []
    BoardReport = apps.get_model("reviews", "BoardReport")
    rows = (
        BoardReport.objects.annotate(case_lower=Lower("case_officer_email"))
        .filter(case_lower=email.lower())
        .order_by("id")
    )
    return [
        {
            "id": b.pk,
            "case_officer": b.case_officer,
            "case_officer_email": b.case_officer_email,
            "case_officer_phone": b.case_officer_phone,
            "diary_number": b.diary_number,
            "role": "case_officer",
        }
        for b in rows
    ]


def _assessments(email: str) -> list[dict[str, Any]]:
    """Responses naming the address among their respondents, and assignments to it."""
    if not apps.is_installed("jamlik.assessments"):
        return []
    Response = apps.get_model("assessments", "Response")
    Assignment = apps.get_model("assessments", "Assignment")
    lower = email.lower()
    out = []
    # The JSON list is searched as text first (both databases), then matched exactly.
    candidates = (
        Response.objects.filter(respondents__icontains=lower)
        .select_related("campaign", "unit")
        .order_by("id")
    )
    for response in candidates:
        if not any(str(r).strip().lower() == lower for r in response.respondents or []):
            continue
        out.append(
            {
                "kind": "respondent",
                "response": response.pk,
                "campaign": response.campaign.title,
                "unit": response.unit.name,
                "status": response.status,
                "submitted_by": response.submitted_by,
                "submitted_at": _iso(response.submitted_at),
            }
        )
    assignments = (
        Assignment.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower=lower)
        .select_related("response__campaign", "response__unit")
        .order_by("id")
    )
    for a in assignments:
        out.append(
            {
                "kind": "assignment",
                "response": a.response_id,
                "campaign": a.response.campaign.title,
                "unit": a.response.unit.name,
                "name": a.name,
                "email": a.email,
                "requirements": list(a.requirement_keys or []),
                "sent_at": _iso(a.sent_at),
                "withdrawn_at": _iso(a.withdrawn_at),
                "last_answered_at": _iso(a.last_answered_at),
            }
        )
    return out


def _account(email: str) -> dict[str, Any] | None:
    User = apps.get_model("core", "User")
    user = User.objects.annotate(email_lower=Lower("email")).filter(email_lower=email.lower())
    found = user.select_related("organisation").first()
    if found is None:
        return None
    return {
        "id": found.pk,
        "name": getattr(found, "name", ""),
        "email": found.email,
        "role": getattr(found, "role", ""),
        "organisation": found.organisation.name if found.organisation_id else None,
        "is_active": found.is_active,
        "last_login": _iso(found.last_login),
    }


def person_data(email: str) -> dict[str, Any]:
    """Everything held about ``email`` (no policy check: ``person_export`` asks it)."""
    registrations = _registrations(email)
    ids = [r["id"] for r in registrations]
    return {
        "format": FORMAT_VERSION,
        "email": email,
        "exported_at": _iso(timezone.now()),
        "staff_account": _account(email),
        "registrations": registrations,
        "registration_history": _history(ids),
        "named_as_manager": _named_as_manager(email),
        "mails": _mails(email),
        "workshop_groups": _breakout_notes(ids),
        "board_reports": _board_reports(email),
        "assessments": _assessments(email),
    }


def person_export(*, actor: Any, email: Any, pdf: bool = False) -> dict[str, Any]:
    """The export of one address for ``actor`` (``may_export_person_data``), audited (with
    the address hashed, never in plain text)."""
    policies.require(policies.may_export_person_data, actor)
    address = clean_email(email)
    data = person_data(address)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="events.person.exported",
            obj=actor,
            new={
                "subject": subject_hash(address),
                "format": "pdf" if pdf else "json",
                "registrations": len(data["registrations"]),
                "mails": len(data["mails"]),
                "assessments": len(data["assessments"]),
            },
        )
    return data


def person_export_html(data: dict[str, Any]) -> str:
    return render_to_string("events/staff/person_export_pdf.html", {"data": data})


def person_export_pdf(data: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=person_export_html(data)).write_pdf())
