"""The assessments panels of the start page (``core.attention``): open campaigns with their
response rate and the units that have not answered, and overdue actions; and the campaigns'
part of the failed-mail panel (``notifications.attention``).

Everything is scoped as the rest of the app: an org coordinator sees the campaigns that reach
into their subtree and counts only their own units' responses (``Scope.filter`` on the
response's unit), and only their subtree's actions. A fixed number of queries (three for the
campaigns, two for the actions), whatever the number of campaigns and units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet
from django.utils import timezone

from jamlik.assessments import policies
from jamlik.assessments.models import Campaign, Response, ResponseStatus
from jamlik.assessments.selectors.actions import action_list
from jamlik.assessments.selectors.campaigns import ProgressRow, _visible_campaigns
from jamlik.core.attention import PANEL_ROWS
from jamlik.core.scoping import scope_for
from jamlik.notifications.attention import failed_by_parent


@dataclass
class CampaignAttention:
    campaign: Campaign
    progress: ProgressRow  # the user's units in all (``assessments/partials/_progress.html``)

    @property
    def not_answered(self) -> int:
        """Units that have not submitted (not started, draft or reopened)."""
        return self.progress.units - self.progress.submitted


def campaigns_panel(user: Any) -> dict[str, Any] | None:
    """The context of ``assessments/partials/_attention.html``; None for a user who may not
    see results."""
    if not policies.may_see_results(user):
        return None
    scope = scope_for(user)
    now = timezone.now()
    open_campaigns = _visible_campaigns(scope).filter(opens_at__lte=now, closes_at__gt=now)
    total = open_campaigns.count()
    campaigns = list(open_campaigns.order_by("closes_at", "id")[:PANEL_ROWS])
    counts: dict[int, dict[str, int]] = {}
    if campaigns:
        responses = scope.filter(
            Response.objects.filter(campaign_id__in=[c.pk for c in campaigns]), via="unit"
        )
        counts = {
            row["campaign_id"]: row
            for row in responses.order_by()
            .values("campaign_id")
            .annotate(
                units=Count("id"),
                not_started=Count("id", filter=Q(status=ResponseStatus.NOT_STARTED)),
                draft=Count("id", filter=Q(status=ResponseStatus.DRAFT)),
                submitted=Count("id", filter=Q(status=ResponseStatus.SUBMITTED)),
                reopened=Count("id", filter=Q(status=ResponseStatus.REOPENED)),
            )
        }
    rows = []
    for campaign in campaigns:
        row = counts.get(campaign.pk, {})
        rows.append(
            CampaignAttention(
                campaign,
                ProgressRow(
                    organisation=0,
                    name=campaign.title,
                    units=row.get("units", 0),
                    not_started=row.get("not_started", 0),
                    draft=row.get("draft", 0),
                    submitted=row.get("submitted", 0),
                    reopened=row.get("reopened", 0),
                ),
            )
        )
    return {"rows": rows, "total": total, "more": max(0, total - len(rows))}


def actions_panel(user: Any) -> dict[str, Any] | None:
    """The context of ``assessments/partials/_attention_actions.html``: the number of
    overdue actions in the user's scope and the most overdue of them."""
    if not policies.may_manage_actions(user):
        return None
    overdue = action_list(user=user, overdue=True, today=timezone.localdate())
    total = overdue.count()
    actions = list(overdue[:PANEL_ROWS]) if total else []
    return {"actions": actions, "total": total, "more": max(0, total - len(actions))}


def failed_response_mail(user: Any, messages: QuerySet) -> list[dict[str, Any]]:
    """Failed invitations and reminders (``assessments.response:<id>``) per campaign; an org
    coordinator counts those of their own units only. One query."""
    if not policies.may_remind(user):
        return []
    scoped = scope_for(user).filter(
        Response.objects.filter(pk=OuterRef("about_id")).order_by(), via="unit"
    )
    return failed_by_parent(
        messages,
        scoped,
        parent="campaign",
        key="assessments.campaign",
        url_name="assessments:campaign",
    )
