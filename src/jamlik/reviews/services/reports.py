"""The report for the city board: saving its narrative sections and the matter's fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from jamlik.core.audit import audit_log, changes, snapshot
from jamlik.reviews import policies
from jamlik.reviews.inputs import ReportIn
from jamlik.reviews.models import BoardReport, Review
from jamlik.reviews.services.common import known_fields

REPORT_FIELDS = tuple(ReportIn.model_fields)


def board_report_initial(review: Review) -> BoardReport:
    """The report of a review, or an unsaved one prefilled with the review's matter data."""
    existing = BoardReport.objects.filter(review=review).first()
    if existing is not None:
        return existing
    return BoardReport(
        review=review,
        committee=review.committee,
        diary_number=review.diary_number,
        case_officer=review.case_officer,
    )


def _snapshot(report: BoardReport) -> dict[str, Any]:
    return snapshot(report, REPORT_FIELDS)


@transaction.atomic
def board_report_save(
    *,
    actor: Any,
    review: Review,
    data: ReportIn | Mapping[str, Any] | None = None,
    replace: bool = False,
    **fields: Any,
) -> BoardReport:
    """Save the fields given (any of ``ReportIn``'s); the others keep their values, or with
    ``replace`` (a PUT) take their defaults."""
    if actor is not None:
        policies.require(policies.may_edit_board_report, actor)
    known_fields(fields, ReportIn)
    payload = ReportIn.take(data, **fields)
    # Dumped rather than ``given()``: the signatories are stored as plain {name, title}.
    values = payload.model_dump(include=None if replace else set(payload.model_fields_set))
    review = Review.objects.select_for_update().get(pk=review.pk)
    report = board_report_initial(review)
    created = report.pk is None
    before = _snapshot(report)
    for field, value in values.items():
        setattr(report, field, value)
    report.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    report.save()
    old, new = changes(before, _snapshot(report))
    if created or new:
        audit_log(
            actor=actor,
            action="reviews.report.created" if created else "reviews.report.updated",
            obj=review,
            old=None if created else old,
            new=new,
        )
    return report
