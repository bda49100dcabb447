"""The demo self-assessments: plausible, idempotent, with comparison and actions."""

from __future__ import annotations

import pytest

from jamlik.assessments import selectors
from jamlik.assessments.models import (
    Action,
    Campaign,
    ResponseStatus,
    ResponseVersion,
    SignOff,
)
from jamlik.core.models import User
from jamlik.demo import assessments as demo_assessments
from jamlik.demo import organisations, users
from jamlik.demo.loader import DemoResult
from jamlik.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def load() -> DemoResult:
    result = DemoResult()
    result.organisations = organisations.load()
    result.logins = users.load(result.organisations)
    demo_assessments.load(result)
    return result


def test_demo_assessments_are_idempotent_and_plausible():
    result = load()
    counts = (Campaign.objects.count(), ResponseVersion.objects.count(), Action.objects.count())
    load()
    assert (
        Campaign.objects.count(),
        ResponseVersion.objects.count(),
        Action.objects.count(),
    ) == counts
    c2019 = Campaign.objects.get(title=demo_assessments.TITLE_2019)
    c2021 = Campaign.objects.get(title=demo_assessments.TITLE_2021)
    statuses = set(c2019.responses.values_list("status", flat=True))
    assert statuses == {ResponseStatus.SUBMITTED, ResponseStatus.DRAFT, ResponseStatus.NOT_STARTED}
    assert (
        c2019.responses.filter(submitted_at__year=2019).count()
        == c2019.responses.filter(status=ResponseStatus.SUBMITTED).count()
    )
    city = User.objects.get(username="stad")
    summary = selectors.campaign_summary(user=city, campaign=c2021, compare_to=c2019)
    assert 0.6 < summary.response_rate < 1
    changes = [c.change for c in summary.comparison.areas if c.change is not None]
    assert sum(changes) / len(changes) > 0  # the follow-up is better on average
    assert len(summary.organisations) > 20
    assert any("/s/" in line for line in result.links)
    overdue = selectors.action_list(user=city, overdue=True)
    assert overdue.exists()
    # The heads' sign-offs: three in four of 2019's submitted units accepted; in the current
    # campaign one unit was sent back (reopened, its submitted version kept), no mail left.
    submitted = c2019.responses.filter(status=ResponseStatus.SUBMITTED)
    signed = submitted.filter(signed_off_at__isnull=False).count()
    assert signed == round(submitted.count() * 0.75) > 0
    current = Campaign.objects.get(title=demo_assessments.TITLE_NOW)
    sent_back = SignOff.objects.filter(response__campaign=current, decision="changes_requested")
    assert sent_back.count() == 1
    assert sent_back.get().response.status == ResponseStatus.REOPENED
    assert not OutboxMessage.objects.filter(kind__startswith="assessments.changes").exists()
    angered = User.objects.get(username="angered")
    own = selectors.campaign_summary(user=angered, campaign=c2019)
    assert [o.name for o in own.organisations] == ["Stadsdelsförvaltningen Angered"]
