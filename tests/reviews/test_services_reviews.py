"""Reviews and milestones: creation, changes, status over time, reminders to the owner."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from jamlik.core.errors import Forbidden, Invalid
from jamlik.core.models import AuditEntry
from jamlik.reviews import services
from jamlik.reviews.models import Milestone, MilestoneReminder, MilestoneStatus, milestone_status
from tests.factories import assessments as af
from tests.factories import reviews as rf
from tests.factories.events import EventFactory

pytestmark = pytest.mark.django_db

D = dt.date


class TestMilestoneStatus:
    due = D(2021, 6, 15)

    @pytest.mark.parametrize(
        "today,expected",
        [
            (D(2021, 1, 1), MilestoneStatus.UPCOMING),
            (D(2021, 5, 31), MilestoneStatus.UPCOMING),  # 15 days before
            (D(2021, 6, 1), MilestoneStatus.DUE_SOON),  # 14 days before
            (D(2021, 6, 15), MilestoneStatus.DUE_SOON),  # the day itself
            (D(2021, 6, 16), MilestoneStatus.OVERDUE),
            (D(2030, 1, 1), MilestoneStatus.OVERDUE),
        ],
    )
    def test_open_milestone_over_time(self, today, expected):
        assert milestone_status(due=self.due, done=False, today=today) == expected

    @pytest.mark.parametrize("today", [D(2021, 1, 1), D(2021, 6, 15), D(2030, 1, 1)])
    def test_done_is_done_whenever(self, today):
        assert milestone_status(due=self.due, done=True, today=today) == MilestoneStatus.DONE

    def test_soon_window_is_a_parameter(self):
        assert milestone_status(due=self.due, done=False, today=D(2021, 5, 1), soon_days=60) == (
            MilestoneStatus.DUE_SOON
        )

    def test_model_method_takes_today(self):
        m = Milestone(title="x", due=self.due, done=False)
        assert m.status_on(D(2021, 6, 20)) == MilestoneStatus.OVERDUE
        assert m.status_on(D(2021, 6, 10)) == MilestoneStatus.DUE_SOON


def test_review_create_with_campaigns_workshops_and_milestones(personas):
    campaign = af.campaign(organisations=[personas.org_a])
    workshop = rf.workshop()
    review = services.review_create(
        actor=personas.city_coordinator,
        title="Strategisk fördjupning",
        purpose="Syftet …",
        campaigns=[campaign],
        workshops=[workshop],
        milestones=[
            {"title": "Workshop", "due": D(2021, 3, 26), "done": True},
            {"title": "Till kommunstyrelsen", "due": D(2021, 10, 20)},
        ],
        committee="Trafiknämnden",
        diary_number="01326/21",
        case_officer="Eva Jansson",
    )
    assert review.owner == personas.city_coordinator
    assert list(review.campaigns.all()) == [campaign]
    assert list(review.workshops.all()) == [workshop]
    first, second = review.milestones.all()
    assert first.done and first.done_at is not None
    assert not second.done and second.done_at is None
    entry = AuditEntry.objects.get(action="reviews.review.created")
    assert entry.new["diary_number"] == "01326/21" and len(entry.new["milestones"]) == 2


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"purpose": "x" * 10_001}, "purpose"),
        ({"diary_number": "x" * 51}, "diary_number"),
        ({"milestones": [{"title": "", "due": D(2021, 1, 1)}]}, "milestones.0.title"),
        ({"milestones": [{"title": "x", "due": D(1999, 1, 1)}]}, "milestones.0.due"),
        ({"milestones": [{"title": "x"}]}, "milestones.0.due"),
        ({"milestones": [{"title": "x", "due": "2021-01-01"}]}, "milestones.0.due"),
    ],
)
def test_bad_reviews_are_refused_and_nothing_is_stored(fields, field):
    data = {"actor": None, "title": "Fördjupning", **fields}
    with pytest.raises(Invalid) as info:
        services.review_create(**data)
    assert field in [e["field"] for e in info.value.errors]
    assert not Milestone.objects.exists()


def test_a_conference_is_not_a_workshop_of_a_review():
    with pytest.raises(Invalid) as info:
        services.review_create(actor=None, title="x", workshops=[EventFactory()])
    assert info.value.errors[0]["field"] == "workshops"


def test_only_the_city_creates_and_changes_reviews(personas):
    with pytest.raises(Forbidden):
        services.review_create(actor=personas.coordinator_a, title="x")
    review = rf.review()
    with pytest.raises(Forbidden):
        services.review_update(actor=personas.coordinator_a, review=review, title="y")
    with pytest.raises(Forbidden):
        services.milestone_set_done(
            actor=personas.coordinator_a, milestone=review.milestones.first(), done=True
        )


def test_review_update_changes_fields_and_sets(personas):
    review = rf.review()
    campaign = af.campaign(organisations=[personas.org_a])
    services.review_update(
        actor=personas.admin, review=review, title="Ny titel", campaigns=[campaign]
    )
    review.refresh_from_db()
    assert review.title == "Ny titel"
    assert list(review.campaigns.all()) == [campaign]
    entry = AuditEntry.objects.get(action="reviews.review.updated")
    assert entry.old["title"] != "Ny titel" and entry.new["campaigns"] == [campaign.pk]


def test_milestone_done_toggle_and_note(personas):
    review = rf.review()
    milestone = review.milestones.get(title="Rapportutkast")
    services.milestone_set_done(actor=personas.city_coordinator, milestone=milestone, done=True)
    milestone.refresh_from_db()
    assert milestone.done and milestone.done_at is not None
    assert milestone.status == MilestoneStatus.DONE
    services.milestone_set_done(actor=None, milestone=milestone, done=False, note="Försenad")
    milestone.refresh_from_db()
    assert not milestone.done and milestone.done_at is None and milestone.note == "Försenad"
    assert AuditEntry.objects.filter(action="reviews.milestone.updated").count() == 2


def test_milestone_create_and_delete(personas):
    review = rf.review()
    m = services.milestone_create(actor=None, review=review, title="Uppföljning", due=D(2022, 3, 1))
    assert m.order > 0 and review.milestones.count() == 3
    services.milestone_delete(actor=None, milestone=m)
    assert review.milestones.count() == 2


class TestReminders:
    @pytest.fixture
    def review(self, personas):
        return rf.review(
            actor=personas.city_coordinator,
            milestones=[
                {"title": "Workshop", "due": D(2021, 3, 26)},
                {"title": "Rapportutkast", "due": D(2021, 6, 15)},
                {"title": "Klar", "due": D(2021, 3, 27), "done": True},
            ],
        )

    def send(self, today, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            return services.milestone_reminders_send(today=today)

    def test_one_reminder_per_threshold(self, review, personas, django_capture_on_commit_callbacks):
        send = lambda day: self.send(day, django_capture_on_commit_callbacks)  # noqa: E731
        assert send(D(2021, 3, 1)) == 0  # 25 days before: nothing yet
        assert send(D(2021, 3, 12)) == 1  # 14 days before the workshop
        assert send(D(2021, 3, 12)) == 0  # same day again: nothing
        assert send(D(2021, 3, 20)) == 0  # still inside 14 days: already reminded
        assert send(D(2021, 3, 25)) == 1  # the day before
        assert send(D(2021, 3, 26)) == 0
        assert send(D(2021, 3, 30)) == 0  # overdue: no more reminders
        assert len(mail.outbox) == 2
        first = mail.outbox[0]
        assert first.to == [personas.city_coordinator.email]
        assert "Workshop" in first.subject
        assert "14" in first.body
        assert MilestoneReminder.objects.count() == 2

    def test_late_milestone_gets_one_reminder_not_two(
        self, review, django_capture_on_commit_callbacks
    ):
        # Created 1 day before its due date: both thresholds are reached, one mail.
        assert self.send(D(2021, 6, 14), django_capture_on_commit_callbacks) == 1
        assert MilestoneReminder.objects.filter(days_before__in=[1, 14]).count() == 2
        assert self.send(D(2021, 6, 14), django_capture_on_commit_callbacks) == 0

    def test_done_milestones_and_ownerless_reviews_get_none(
        self, review, django_capture_on_commit_callbacks
    ):
        for m in review.milestones.all():
            services.milestone_set_done(actor=None, milestone=m, done=True)
        assert self.send(D(2021, 3, 25), django_capture_on_commit_callbacks) == 0
        rf.review(milestones=[{"title": "x", "due": D(2021, 3, 26)}])  # no owner
        assert self.send(D(2021, 3, 25), django_capture_on_commit_callbacks) == 0

    def test_a_moved_due_date_is_reminded_again(self, review, django_capture_on_commit_callbacks):
        assert self.send(D(2021, 3, 25), django_capture_on_commit_callbacks) == 1
        workshop = review.milestones.get(title="Workshop")
        services.milestone_update(actor=None, milestone=workshop, due=D(2021, 4, 9))
        assert self.send(D(2021, 4, 8), django_capture_on_commit_callbacks) == 1

    def test_the_task_runs_the_service(self, review):
        from jamlik.reviews.tasks import send_milestone_reminders

        result = send_milestone_reminders.enqueue()
        assert result.return_value == 0  # nothing due today (2021 is long past)


def test_the_remind_command(personas, django_capture_on_commit_callbacks):
    import io

    from django.core.management import call_command

    rf.review(
        actor=personas.city_coordinator,
        milestones=[{"title": "Snart", "due": timezone.localdate() + dt.timedelta(days=1)}],
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reviews", "remind", stdout=out)
    assert "1 milestone reminder(s) queued." in out.getvalue()
    assert len(mail.outbox) == 1 and "Snart" in mail.outbox[0].subject
    out = io.StringIO()
    call_command("reviews", "remind", stdout=out)
    assert "0 milestone reminder(s)" in out.getvalue()
