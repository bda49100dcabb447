"""Answers (PUT semantics), submitting (a new unchangeable version) and reopening."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jamlik.assessments import policies
from jamlik.assessments.frameworks import (
    normalised_score,
)
from jamlik.assessments.inputs import AnswerIn, ReopenIn, SubmitIn, answers_take
from jamlik.assessments.models import (
    Answer,
    CampaignStatus,
    Framework,
    Requirement,
    Response,
    ResponseStatus,
    ResponseVersion,
)
from jamlik.assessments.services.common import (
    RESPONDENT_LABEL,
    Incomplete,
    NotOpen,
    NotSubmitted,
    ResponseLocked,
    actor_label,
    lock_response,
    require_in_scope,
)
from jamlik.core.audit import audit_log
from jamlik.core.errors import Invalid, JamlikError

# ---- Answers -----------------------------------------------------------------------------


def _check_may_change(actor: Any, response: Response, *, by_respondent: bool) -> None:
    if by_respondent:
        status = response.campaign.status
        if response.status == ResponseStatus.REOPENED:
            return
        if status == CampaignStatus.SCHEDULED:
            raise NotOpen(
                _("The campaign opens %(when)s.")
                % {
                    "when": timezone.localtime(response.campaign.opens_at).strftime(
                        "%Y-%m-%d %H:%M"
                    )
                }
            )
        if status == CampaignStatus.CLOSED:
            raise NotOpen(_("The campaign is closed; ask your coordinator to reopen the response."))
    else:
        if actor is not None:
            policies.require(policies.may_change_response, actor)
        require_in_scope(actor, response.unit)


def response_may_change(*, actor: Any, response: Response, by_respondent: bool = False) -> bool:
    """Whether ``answers_save`` would accept a change now; pages use it to decide whether to
    show inputs, so the rule stays here."""
    if response.locked:
        return False
    try:
        _check_may_change(actor, response, by_respondent=by_respondent)
    except JamlikError:
        return False
    return True


def _requirements(framework: Framework) -> list[Requirement]:
    return list(framework.requirements.order_by("order"))


@transaction.atomic
def answers_save(
    *,
    actor: Any,
    response: Response,
    answers: Iterable[AnswerIn | Mapping[str, Any]],
    by_respondent: bool = False,
    assignment: Any = None,
) -> Response:
    """Save answers with PUT semantics: each item replaces the answer to the requirement it
    names (value and comment), the others stay. An item with neither value nor comment
    removes that answer. Nothing is saved when any item is invalid. ``assignment`` is the
    colleague's assignment the answers come through (``services.assignments`` checks its
    keys first); a changed answer records it, or None when someone else changed it."""
    items = answers_take(answers)
    response = lock_response(response)
    _check_may_change(actor, response, by_respondent=by_respondent)
    if response.status == ResponseStatus.SUBMITTED:
        raise ResponseLocked(_("The response has been submitted and can no longer be changed."))
    framework = response.campaign.framework
    requirements = {r.key: r for r in _requirements(framework)}
    errors: list[dict[str, Any]] = []
    cleaned: dict[int, tuple[Requirement, str, str]] = {}
    # The requirements and their scales are the framework's: checked here, per item.
    for index, item in enumerate(items):
        key = item.requirement
        requirement = requirements.get(key)
        if requirement is None:
            errors.append(
                {
                    "field": f"{index}.requirement",
                    "message": _("Unknown requirement: %(key)s.") % {"key": key},
                }
            )
            continue
        if requirement.pk in cleaned:
            errors.append(
                {
                    "field": f"{index}.requirement",
                    "message": _("The requirement %(key)s is given twice.") % {"key": key},
                }
            )
            continue
        value = item.value or ""
        allowed = [option["value"] for option in framework.scale(requirement.scale_name)]
        if value and value not in allowed:
            errors.append(
                {
                    "field": f"{index}.value",
                    "message": _("Choose one of: %(values)s.") % {"values": ", ".join(allowed)},
                }
            )
            continue
        cleaned[requirement.pk] = (requirement, value, item.comment)
    if errors:
        raise Invalid(errors[0]["message"], errors=errors)
    existing = {
        a.requirement_id: a for a in response.answers.filter(requirement_id__in=list(cleaned))
    }
    create, update, delete = [], [], []
    for requirement_id, (requirement, value, comment) in cleaned.items():
        answer = existing.get(requirement_id)
        if not value and not comment:
            if answer is not None:
                delete.append(answer.pk)
            continue
        score = normalised_score(framework.scale(requirement.scale_name), value) if value else None
        if answer is None:
            create.append(
                Answer(
                    response=response,
                    requirement=requirement,
                    value=value,
                    comment=comment,
                    normalised=score,
                    assignment=assignment,
                )
            )
        elif (answer.value, answer.comment) != (value, comment):
            answer.value, answer.comment, answer.normalised = value, comment, score
            answer.updated_at = timezone.now()
            answer.assignment = assignment
            update.append(answer)
    if delete:
        Answer.objects.filter(pk__in=delete).delete()
    Answer.objects.bulk_create(create)
    Answer.objects.bulk_update(
        update, ["value", "comment", "normalised", "updated_at", "assignment"]
    )
    if response.status == ResponseStatus.NOT_STARTED and (create or update or delete):
        response.status = ResponseStatus.DRAFT
    response.save(update_fields=["status", "updated_at"])
    if create or update or delete:
        audit_log(
            actor=_audit_actor(actor, by_respondent),
            action="assessments.response.answers_saved",
            obj=response,
            new={
                "requirements": sorted(r.key for r, _v, _c in cleaned.values()),
                "created": len(create),
                "updated": len(update),
                "removed": len(delete),
                **({"assignment": assignment.pk} if assignment is not None else {}),
            },
        )
    return response


def _audit_actor(actor: Any, by_respondent: bool) -> Any:
    return RESPONDENT_LABEL if by_respondent else actor


@transaction.atomic
def response_submit(
    *,
    actor: Any,
    response: Response,
    by_respondent: bool = False,
    submitted_by: str = "",
    at: dt.datetime | None = None,
    data: SubmitIn | Mapping[str, Any] | None = None,
) -> ResponseVersion:
    """Submit: every requirement must have an answer (not applicable and don't know count
    as answers). The response locks and its answers are kept as a new, unchangeable version.
    ``submitted_by`` is the name a respondent gives; staff are named by their account.
    ``at`` dates a submission entered afterwards (demo, import): trusted callers only."""
    payload = SubmitIn.take(data, **({"submitted_by": submitted_by} if data is None else {}))
    response = lock_response(response)
    _check_may_change(actor, response, by_respondent=by_respondent)
    if response.status == ResponseStatus.SUBMITTED:
        raise ResponseLocked(_("The response has already been submitted."))
    framework = response.campaign.framework
    requirements = _requirements(framework)
    answers = {a.requirement_id: a for a in response.answers.all()}
    missing = [r for r in requirements if not (r.pk in answers and answers[r.pk].value)]
    if missing:
        raise Incomplete(
            _("Answer every requirement before submitting: %(n)s unanswered.")
            % {"n": len(missing)},
            errors=[
                {"field": r.key, "message": _("This requirement has no answer.")} for r in missing
            ],
        )
    name = payload.submitted_by
    if by_respondent:
        label = f"{name} ({_('respondent link')})" if name else _("respondent link")
    elif actor is None and name:
        label = name  # the command line or an import names who submitted
    else:
        label = actor_label(actor)
    if at is not None and (actor is not None or by_respondent):
        raise Invalid.field("at", _("Only the system may date a submission."))
    now = at or timezone.now()
    snapshot = []
    # The answers' current evidence files go into the version with their checksums
    # (imported here: services.evidence uses this module's checks).
    from jamlik.assessments.services.evidence import evidence_snapshot

    files = evidence_snapshot(response)
    for requirement in requirements:
        answer = answers[requirement.pk]
        option = next(
            (o for o in framework.scale(requirement.scale_name) if o["value"] == answer.value),
            {},
        )
        snapshot.append(
            {
                "requirement": requirement.key,
                "value": answer.value,
                "label": option.get("label", ""),
                "score": answer.normalised,
                "comment": answer.comment,
                **({"evidence": files[requirement.pk]} if requirement.pk in files else {}),
            }
        )
    number = response.versions.count() + 1
    version = ResponseVersion.objects.create(
        response=response,
        number=number,
        submitted_at=now,
        submitted_by=label[:200],
        submitted_by_user=actor if getattr(actor, "is_authenticated", False) else None,
        answers=snapshot,
    )
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = now
    response.submitted_by = label[:200]
    response.signed_off_at = None  # a new version needs a new sign-off
    response.save(
        update_fields=["status", "submitted_at", "submitted_by", "signed_off_at", "updated_at"]
    )
    audit_log(
        actor=_audit_actor(actor, by_respondent),
        action="assessments.response.submitted",
        obj=response,
        new={"version": number, "answers": len(snapshot)},
    )
    return version


@transaction.atomic
def response_reopen(
    *,
    actor: Any,
    response: Response,
    reason: str = "",
    data: ReopenIn | Mapping[str, Any] | None = None,
) -> Response:
    """Let the unit change a submitted response; the submitted versions stay as they are."""
    if actor is not None:
        policies.require(policies.may_reopen_response, actor)
    payload = ReopenIn.take(data, **({"reason": reason} if data is None else {}))
    response = lock_response(response)
    require_in_scope(actor, response.unit)
    if response.status != ResponseStatus.SUBMITTED:
        raise NotSubmitted(_("Only a submitted response can be reopened."))
    response.status = ResponseStatus.REOPENED
    response.signed_off_at = None  # the version signed off is no longer the current one
    response.save(update_fields=["status", "signed_off_at", "updated_at"])
    audit_log(
        actor=actor,
        action="assessments.response.reopened",
        obj=response,
        old={"status": ResponseStatus.SUBMITTED},
        new={"status": ResponseStatus.REOPENED, "reason": payload.reason},
    )
    return response
