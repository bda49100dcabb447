"""A named head's sign-off of a submitted response (docs/rules.md): accepted, or sent back
with a comment, which reopens the response through ``response_reopen`` (the submitted
versions stay) and mails the unit. The rules are ``assessments.signoff``'s; each sign-off is
a new row, never changed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from jamlik.assessments import policies
from jamlik.assessments.inputs import SignOffIn
from jamlik.assessments.models import Response, ResponseVersion, SignOff
from jamlik.assessments.services.campaigns import response_recipients
from jamlik.assessments.services.common import lock_response, require_in_scope
from jamlik.assessments.services.responses import response_reopen
from jamlik.assessments.signoff import SignOffState, decide, refusal
from jamlik.core.audit import audit_log
from jamlik.notifications.services import mail_enqueue

MAIL_KIND = "changes_requested"


def _state(response: Response) -> tuple[ResponseVersion | None, SignOffState]:
    """The latest submitted version and the state the rules judge (two small queries)."""
    latest = response.versions.order_by("-number").first()
    return latest, SignOffState(
        status=response.status,
        version=latest.number if latest else None,
        signed=latest is not None and SignOff.objects.filter(version=latest).exists(),
    )


def response_may_sign_off(*, actor: Any, response: Response) -> bool:
    """Whether the page shows the sign-off form: the actor may, and the response may be
    signed off now."""
    if not policies.may_sign_off(actor, response):
        return False
    return refusal(_state(response)[1]) is None


@transaction.atomic
def response_sign_off(
    *,
    actor: Any,
    response: Response,
    data: SignOffIn | Mapping[str, Any],
    language: str = "sv",
) -> SignOff:
    """Record the head's judgement of the response's current submitted version. "Changes
    requested" reopens the response and mails the unit (in ``language``); accepting marks
    the response signed off until it is reopened or submitted again."""
    payload = SignOffIn.take(data)
    response = lock_response(response)
    if actor is not None:
        require_in_scope(actor, response.unit)
        policies.require(policies.may_sign_off, actor, response)
    latest, state = _state(response)
    outcome = decide(state, payload.decision, payload.comment)
    assert latest is not None  # decide() refuses a response without a version
    now = timezone.now()
    signoff = SignOff.objects.create(
        response=response,
        version=latest,
        decision=payload.decision,
        comment=payload.comment,
        signed_by_name=payload.signed_by_name,
        signed_by_title=payload.signed_by_title,
        signed_by=actor if getattr(actor, "is_authenticated", False) else None,
        signed_at=now,
    )
    if outcome.signed_off:
        response.signed_off_at = now
        response.save(update_fields=["signed_off_at", "updated_at"])
    audit_log(
        actor=actor,
        action="assessments.response.signed_off",
        obj=response,
        new={
            "decision": payload.decision,
            "version": latest.number,
            "signed_by_name": payload.signed_by_name,
            "signed_by_title": payload.signed_by_title,
        },
    )
    if outcome.reopen:
        response_reopen(actor=actor, response=response, data={"reason": payload.comment})
        _mail_changes_requested(response, signoff, language=language)
    return signoff


def _mail_changes_requested(response: Response, signoff: SignOff, *, language: str) -> int:
    recipients = response_recipients(response)
    context = {
        "campaign": response.campaign,
        "unit": response.unit,
        "url": response.respondent_url,
        "signoff": signoff,
        "version": signoff.version.number,
    }
    for address in recipients:
        mail_enqueue(
            kind=f"assessments.{MAIL_KIND}",
            to=address,
            template=f"assessments/email/{MAIL_KIND}",
            context=context,
            language=language,
            about=f"assessments.response:{response.pk}",
        )
    return len(recipients)
