"""Delegation inside a unit (docs/rules.md#assessments-assignments): handing requirements of a
response to a colleague by e-mail, withdrawing and re-sending their link, and the colleague's
answers, saved through ``answers_save`` like the respondent's and limited to the requirements
handed to them. The rules are ``assessments.assignments``'s.

``actor`` is a staff user (policy and scope checked), or None with ``by_respondent=True``
for the unit's respondent acting through the respondent link (the caller has reached the
response by its token), or None alone for the trusted system (the demo).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jamlik.assessments import policies
from jamlik.assessments.assignments import (
    AssignmentWithdrawn,
    ResponseState,
    check_answerable,
    check_new,
    keys_to_assign,
    open_for_links,
)
from jamlik.assessments.inputs import AnswerIn, AssignmentIn, answers_take
from jamlik.assessments.models import (
    Assignment,
    Requirement,
    Response,
    ResponseStatus,
)
from jamlik.assessments.services.common import actor_label, lock_response, require_in_scope
from jamlik.assessments.services.responses import answers_save, response_may_change
from jamlik.core.audit import audit_log
from jamlik.core.errors import NotFound
from jamlik.notifications.services import mail_enqueue

MAIL_KIND = "assignment"


def _may(actor: Any, response: Response, policy: Any, by_respondent: bool) -> None:
    if actor is not None and not by_respondent:
        policies.require(policy, actor)
        require_in_scope(actor, response.unit)


def _state(response: Response) -> ResponseState:
    return ResponseState(status=response.status, campaign_status=response.campaign.status)


def _requirements(response: Response) -> list[Requirement]:
    return list(response.campaign.framework.requirements.order_by("order"))


def may_hand_out(*, actor: Any, response: Response, by_respondent: bool = False) -> bool:
    """Whether the page shows the form that hands out requirements."""
    if actor is not None and not by_respondent and not policies.may_assign_requirements(actor):
        return False
    return open_for_links(_state(response)) is None


@transaction.atomic
def assignment_create(
    *,
    actor: Any,
    response: Response,
    data: AssignmentIn | Mapping[str, Any],
    by_respondent: bool = False,
) -> Assignment:
    """Hand the named requirements to a colleague and mail them their link (in the
    language chosen) with the campaign's closing date."""
    payload = AssignmentIn.take(data)
    _may(actor, response, policies.may_assign_requirements, by_respondent)
    response = lock_response(response)
    keys = keys_to_assign(payload.requirement_keys, [r.key for r in _requirements(response)])
    existing = list(response.assignments.all())
    check_new(
        email=payload.email,
        active_emails=[a.email for a in existing if a.active],
        count=len(existing),
        state=_state(response),
    )
    now = timezone.now()
    assignment = Assignment.objects.create(
        response=response,
        email=payload.email,
        name=payload.name,
        requirement_keys=keys,
        language=payload.language,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now,
        sent_at=now,
    )
    _mail(assignment, response, sender=_sender(actor, by_respondent))
    audit_log(
        actor=_audit_actor(actor, by_respondent),
        action="assessments.assignment.created",
        obj=response,
        new={"assignment": assignment.pk, "requirements": keys},
    )
    return assignment


@transaction.atomic
def assignment_withdraw(
    *, actor: Any, assignment: Assignment, by_respondent: bool = False
) -> Assignment:
    """Withdraw the assignment: its link stops working at once. The answers given through
    it stay (they are the response's)."""
    response = assignment.response
    _may(actor, response, policies.may_withdraw_assignment, by_respondent)
    lock_response(response)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.active:
        raise AssignmentWithdrawn(_withdrawn_message())
    assignment.withdrawn_at = timezone.now()
    assignment.save(update_fields=["withdrawn_at"])
    audit_log(
        actor=_audit_actor(actor, by_respondent),
        action="assessments.assignment.withdrawn",
        obj=response,
        new={"assignment": assignment.pk},
    )
    return assignment


@transaction.atomic
def assignment_resend(
    *, actor: Any, assignment: Assignment, by_respondent: bool = False
) -> Assignment:
    """Mail the colleague the same link again (while it works and the response is open)."""
    _may(actor, assignment.response, policies.may_assign_requirements, by_respondent)
    response = lock_response(assignment.response)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.active:
        raise AssignmentWithdrawn(_withdrawn_message())
    problem = open_for_links(_state(response))
    if problem is not None:
        raise problem
    assignment.sent_at = timezone.now()
    assignment.save(update_fields=["sent_at"])
    _mail(assignment, response, sender=_sender(actor, by_respondent))
    audit_log(
        actor=_audit_actor(actor, by_respondent),
        action="assessments.assignment.resent",
        obj=response,
        new={"assignment": assignment.pk},
    )
    return assignment


def assignment_may_answer(assignment: Assignment) -> bool:
    """Whether the colleague's page shows inputs: the link works and the response may be
    changed through a link now."""
    return assignment.active and response_may_change(
        actor=None, response=assignment.response, by_respondent=True
    )


@transaction.atomic
def assignment_answers_save(
    *, assignment: Assignment, answers: Iterable[AnswerIn | Mapping[str, Any]]
) -> Response:
    """Save a colleague's answers (PUT semantics, as the respondent's): only the
    requirements handed to them (else 403 and nothing saved), only while the link works
    (else 404) and the response is open (the respondent's rules, 409)."""
    items = answers_take(answers)
    # The response first, then the assignment: the order withdrawing takes them in.
    lock_response(assignment.response)
    locked = Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
    if locked is None or not locked.active:
        raise NotFound()
    check_answerable(locked.requirement_keys, [item.requirement for item in items])
    response = assignment.response
    before = _answers_of(response, locked.requirement_keys)
    response = answers_save(
        actor=None, response=response, answers=items, by_respondent=True, assignment=locked
    )
    if _answers_of(response, locked.requirement_keys) != before:
        locked.last_answered_at = timezone.now()
        locked.save(update_fields=["last_answered_at"])
    assignment.last_answered_at = locked.last_answered_at
    return response


def _answers_of(response: Response, keys: list[str]) -> dict[str, tuple[str, str]]:
    return {
        key: (value, comment)
        for key, value, comment in response.answers.filter(requirement__key__in=keys).values_list(
            "requirement__key", "value", "comment"
        )
    }


# ---- Helpers -----------------------------------------------------------------------------


def _withdrawn_message() -> str:
    return _("The assignment has been withdrawn.")


def _audit_actor(actor: Any, by_respondent: bool) -> Any:
    return actor_label(actor, by_respondent) if by_respondent or actor is None else actor


def _sender(actor: Any, by_respondent: bool) -> str:
    """Who handed out the requirements, for the mail ("" for the respondent link)."""
    if by_respondent or actor is None:
        return ""
    return getattr(actor, "display_name", None) or ""


def _mail(assignment: Assignment, response: Response, *, sender: str) -> None:
    requirements = {r.key: r for r in _requirements(response)}
    numbers = _numbers(response)
    mail_enqueue(
        kind=f"assessments.{MAIL_KIND}",
        to=assignment.email,
        template=f"assessments/email/{MAIL_KIND}",
        context={
            "campaign": response.campaign,
            "unit": response.unit,
            "url": assignment.url,
            "due": response.campaign.closes_at,
            "reopened": response.status == ResponseStatus.REOPENED,
            "name": assignment.name,
            "sender": sender,
            "requirements": [
                {"number": numbers.get(key, ""), "requirement": requirements[key]}
                for key in assignment.requirement_keys
                if key in requirements
            ],
        },
        language=assignment.language,
        about=f"assessments.response:{response.pk}",
    )


def _numbers(response: Response) -> dict[str, str]:
    """requirement key → its number on the form ("2.3": area 2, third requirement)."""
    from jamlik.assessments.selectors import framework_structure

    return {
        requirement.key: f"{a_index}.{r_index}"
        for a_index, (_area, requirements) in enumerate(
            framework_structure(response.campaign.framework), start=1
        )
        for r_index, requirement in enumerate(requirements, start=1)
    }
