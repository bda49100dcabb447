"""The reviews panel of the start page (``core.attention``): the reviews with a milestone
still to do, each with its next milestone (overdue first, then by due date) and how many of
its milestones are done; and the reviews' part of the failed-mail panel
(``notifications.attention``: milestone reminders to a review's owner).

Reviews and milestones are the city's common work and hold no personal data: every staff
user reads them (``reviews/selectors.py``), so the panel is the same for everyone. Two
queries, whatever the number of reviews and milestones.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from jamlik.core.attention import PANEL_ROWS
from jamlik.core.policies import is_active_user
from jamlik.notifications.attention import failed_by_parent
from jamlik.reviews import policies
from jamlik.reviews.models import Milestone, MilestoneStatus, Review, milestone_status


def reviews_panel(user: Any) -> dict[str, Any] | None:
    """The context of ``reviews/partials/_attention.html``; None for anyone but an active
    staff user."""
    if not is_active_user(user):
        return None
    today = timezone.localdate()
    open_milestones = Milestone.objects.filter(done=False)
    figures = open_milestones.aggregate(
        reviews=Count("review", distinct=True),
        overdue=Count("id", filter=Q(due__lt=today)),
    )
    rows = []
    if figures["reviews"]:
        next_open = open_milestones.filter(review=OuterRef("pk")).order_by("due", "order", "id")
        reviews = (
            Review.objects.annotate(
                next_title=Subquery(next_open.values("title")[:1]),
                next_due=Subquery(next_open.values("due")[:1]),
                milestones_total=Count("milestones", distinct=True),
                milestones_done=Count("milestones", filter=Q(milestones__done=True), distinct=True),
            )
            .filter(next_due__isnull=False)
            .order_by("next_due", "id")
        )
        for review in reviews[:PANEL_ROWS]:
            status = milestone_status(due=review.next_due, done=False, today=today)
            rows.append(
                {
                    "review": review,
                    "title": review.next_title,
                    "due": review.next_due,
                    "status": status,
                    "status_label": MilestoneStatus(status).label,
                    "done": review.milestones_done,
                    "count": review.milestones_total,
                }
            )
    return {
        "rows": rows,
        "total": figures["reviews"],
        "overdue": figures["overdue"],
        "more": max(0, figures["reviews"] - len(rows)),
    }


def failed_milestone_mail(user: Any, messages: QuerySet) -> list[dict[str, Any]]:
    """Failed milestone reminders (``reviews.milestone:<id>``) per review: the city's (the
    reminders go to a review's owner, and the milestones are the city's to manage)."""
    if not policies.may_manage_milestones(user):
        return []
    milestone = Milestone.objects.filter(pk=OuterRef("about_id")).order_by()
    return failed_by_parent(
        messages, milestone, parent="review", key="reviews.review", url_name="reviews:detail"
    )
