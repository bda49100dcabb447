"""The report for the city board: saving its narrative sections and the matter's fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jamlik.core.audit import audit_log, changes, snapshot
from jamlik.reviews import policies
from jamlik.reviews.models import BoardReport, Review
from jamlik.reviews.services.common import DIARY_NUMBER_MAX, Cleaner

NARRATIVE_FIELDS = (
    "summary",
    "method",
    "results",
    "workshop_lessons",
    "joint_efforts",
    "proposed_decision",
)
MATTER_TEXT_FIELDS = (
    "economic_assessment",
    "ecological_assessment",
    "social_assessment",
    "cooperation",
    "appendices",
)
MATTER_FIELDS = ("committee", "date", "diary_number", "case_officer", *MATTER_TEXT_FIELDS)
REPORT_FIELDS = NARRATIVE_FIELDS + MATTER_FIELDS


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
def board_report_save(*, actor: Any, review: Review, **data: Any) -> BoardReport:
    """Save the fields given (any of ``REPORT_FIELDS``); the others keep their values."""
    if actor is not None:
        policies.require(policies.may_edit_board_report, actor)
    unknown = set(data) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"unknown report fields: {sorted(unknown)}")
    review = Review.objects.select_for_update().get(pk=review.pk)
    report = board_report_initial(review)
    cleaner = Cleaner()
    values: dict[str, Any] = {}
    for field in NARRATIVE_FIELDS + MATTER_TEXT_FIELDS:
        if field in data:
            values[field] = cleaner.long_text(field, data[field] or "")
    for field in ("committee", "case_officer"):
        if field in data:
            values[field] = cleaner.text(field, data[field] or "", required=False)
    if "diary_number" in data:
        values["diary_number"] = cleaner.text(
            "diary_number", data["diary_number"] or "", max_length=DIARY_NUMBER_MAX, required=False
        )
    if "date" in data:
        date = data["date"]
        if date is not None and (not isinstance(date, dt.date) or isinstance(date, dt.datetime)):
            cleaner.add("date", _("Enter a valid date (YYYY-MM-DD)."))
        else:
            values["date"] = date
    cleaner.check()
    created = report.pk is None
    before = _snapshot(report)
    for field, value in values.items():
        setattr(report, field, value)
    report.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    report.full_clean()
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
