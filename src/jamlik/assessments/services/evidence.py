"""Evidence files (underlag) of an answer: adding a file or a new revision of one, the files
kept with a submitted version, and a file's bytes for its download.

A file is never changed or deleted: a new revision is a new row that ``replaces`` the one
before, and a file may be replaced once (the chain stays a line). Who may add files is who
may change the answers (``responses.response_may_change``): the respondent through the link
while the response is open, staff within their scope, nobody once it is submitted. The
checks of the file itself are ``assessments.evidence``; a refused file stores nothing.
Neither the audit log nor the application log is given the file's name (it may name
people): the audit entry has the requirement, the revision and the checksum.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jamlik.assessments import evidence as rules
from jamlik.assessments.inputs import EvidenceIn
from jamlik.assessments.models import (
    Evidence,
    EvidenceContent,
    Requirement,
    Response,
    ResponseStatus,
)
from jamlik.assessments.services.common import ResponseLocked, actor_label, lock_response
from jamlik.assessments.services.responses import _audit_actor, _check_may_change
from jamlik.core.audit import audit_log
from jamlik.core.errors import Conflict, Invalid, NotFound


class AlreadyReplaced(Conflict):
    code = "evidence_replaced"


class TooManyFiles(Conflict):
    code = "too_many_files"


def refusal_message(reason: str) -> str:
    """The message of a refused file, in the active language."""
    if reason == "empty":
        return _("The file is empty.")
    if reason == "too_large":
        return _("The file is too large: at most %(mb)s MB.") % {
            "mb": f"{rules.max_bytes() / (1024 * 1024):g}"
        }
    if reason == "type":
        return _("Files of this type are not taken. Allowed: %(kinds)s.") % {
            "kinds": rules.allowed_names()
        }
    if reason == "mismatch":
        return _("The file's content does not match its name. Allowed: %(kinds)s.") % {
            "kinds": rules.allowed_names()
        }
    return _(
        "The file's content is not one of the allowed types (office files with macros are "
        "not taken). Allowed: %(kinds)s."
    ) % {"kinds": rules.allowed_names()}


def _read(file: Any) -> tuple[str, bytes]:
    """The name and bytes of an upload (a Django ``UploadedFile``) or of a ``(name, bytes)``
    pair; at most one byte more than the limit is read."""
    if isinstance(file, tuple):
        name, content = file
        return str(name), bytes(content)
    if file is None:
        raise Invalid.field("file", _("Choose a file."), code="file_missing")
    limit = rules.max_bytes()
    if getattr(file, "size", 0) and file.size > limit:
        raise Invalid.field("file", refusal_message("too_large"), code="file_too_large")
    file.seek(0)
    return str(getattr(file, "name", "") or ""), file.read(limit + 1)


def requirement_of(response: Response, key: str) -> Requirement:
    """The requirement ``key`` of the response's framework; 404 when it has none."""
    requirement = (
        Requirement.objects.filter(framework_id=response.campaign.framework_id, key=key)
        .only("pk", "key", "framework_id")
        .first()
    )
    if requirement is None:
        raise NotFound()
    return requirement


def evidence_add(
    *,
    actor: Any,
    response: Response,
    requirement_key: str,
    file: Any,
    data: EvidenceIn | Mapping[str, Any] | None = None,
    by_respondent: bool = False,
    at: dt.datetime | None = None,
) -> Evidence:
    """Keep ``file`` as evidence of the answer to ``requirement_key`` (a new file, or with
    ``replaces`` a new revision of a current one). 400 for a refused file or bad fields, 404
    for an unknown requirement, 409 when the response may not change now or the file named
    in ``replaces`` has been replaced already. ``at`` dates an upload entered afterwards
    (the demo): trusted callers only."""
    payload = EvidenceIn.take(data)
    if at is not None and (actor is not None or by_respondent):
        raise Invalid.field("at", _("Only the system may date an upload."))
    filename, content = _read(file)
    filename = rules.clean_filename(filename)
    try:
        kind = rules.check(filename, content)
    except rules.Refused as exc:
        code = "file_too_large" if exc.reason == "too_large" else "file_type"
        raise Invalid.field("file", refusal_message(exc.reason), code=code) from None
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        return _store(
            actor=actor,
            response=response,
            requirement_key=requirement_key,
            payload=payload,
            by_respondent=by_respondent,
            filename=filename,
            content=content,
            content_type=kind.content_type,
            digest=digest,
            at=at,
        )


def _store(
    *,
    actor: Any,
    response: Response,
    requirement_key: str,
    payload: EvidenceIn,
    by_respondent: bool,
    filename: str,
    content: bytes,
    content_type: str,
    digest: str,
    at: dt.datetime | None,
) -> Evidence:
    response = lock_response(response)
    _check_may_change(actor, response, by_respondent=by_respondent)
    if response.status == ResponseStatus.SUBMITTED:
        raise ResponseLocked(_("The response has been submitted and can no longer be changed."))
    requirement = requirement_of(response, requirement_key)
    kept = Evidence.objects.filter(response=response, requirement=requirement).count()
    if kept >= rules.MAX_FILES_PER_ANSWER:
        raise TooManyFiles(
            _("This answer has %(n)s files, the most it can have.") % {"n": kept},
            errors=[{"field": "file", "message": _("No more files can be added to this answer.")}],
        )
    previous = None
    if payload.replaces is not None:
        previous = (
            Evidence.objects.select_for_update()
            .filter(pk=payload.replaces, response=response, requirement=requirement)
            .first()
        )
        if previous is None:
            raise Invalid.field(
                "replaces", _("There is no such file of this answer."), code="unknown_evidence"
            )
        if Evidence.objects.filter(replaces=previous).exists():
            raise AlreadyReplaced(
                _("That file has been replaced already; choose its latest revision."),
                errors=[{"field": "replaces", "message": _("Replaced already.")}],
            )
    # Named as a submission is: the account, or the link (in the language of the upload).
    label = _("respondent link") if by_respondent else actor_label(actor)
    evidence = Evidence.objects.create(
        response=response,
        requirement=requirement,
        filename=filename,
        content_type=content_type,
        size=len(content),
        sha256=digest,
        diary_number=payload.diary_number,
        effective_date=payload.effective_date,
        revision=previous.revision + 1 if previous else 1,
        replaces=previous,
        uploaded_at=at or timezone.now(),
        uploaded_by=label[:200],
        uploaded_by_user=actor if getattr(actor, "is_authenticated", False) else None,
    )
    EvidenceContent.objects.create(evidence=evidence, content=content)
    if response.status == ResponseStatus.NOT_STARTED:
        response.status = ResponseStatus.DRAFT
    response.save(update_fields=["status", "updated_at"])
    audit_log(
        actor=_audit_actor(actor, by_respondent),
        action="assessments.evidence.added",
        obj=response,
        new={
            "requirement": requirement.key,
            "evidence": evidence.pk,
            "revision": evidence.revision,
            "replaces": previous.pk if previous else None,
            "sha256": digest,
            "size": evidence.size,
        },
    )
    return evidence


def evidence_snapshot(response: Response) -> dict[int, list[dict[str, Any]]]:
    """The current files (those not replaced) of each answer, by requirement id, as a
    submitted version keeps them: what they were and their checksum, so the version says
    which bytes were submitted."""
    items = list(
        Evidence.objects.filter(response=response, replaced_by__isnull=True).order_by(
            "uploaded_at", "id"
        )
    )
    files: dict[int, list[dict[str, Any]]] = {}
    for item in items:
        files.setdefault(item.requirement_id, []).append(
            {
                "id": item.pk,
                "filename": item.filename,
                "content_type": item.content_type,
                "size": item.size,
                "sha256": item.sha256,
                "revision": item.revision,
                "diary_number": item.diary_number,
                "effective_date": (
                    item.effective_date.isoformat() if item.effective_date else None
                ),
                "uploaded_at": item.uploaded_at.isoformat(),
            }
        )
    return files


def evidence_file(evidence: Evidence) -> tuple[str, str, bytes]:
    """The file as ``(filename, content_type, content)`` for a download; the caller has
    reached the evidence through the response's scope or link."""
    content = EvidenceContent.objects.values_list("content", flat=True).get(evidence=evidence)
    return evidence.filename, evidence.content_type, bytes(content)
