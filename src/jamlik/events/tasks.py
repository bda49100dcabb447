"""Background tasks of the events app (django-tasks; run by ``jamlik db_worker``).

``release_event`` is enqueued for ``quota_lock_until`` when an event is saved (if the task
backend can defer); ``events_tick`` does all periodic work at once and is what a scheduler
(cron, systemd timer) runs every few minutes through ``jamlik events tick``.
"""

from __future__ import annotations

from django_tasks import task

from jamlik.events.models import Event
from jamlik.events.services import housekeeping
from jamlik.events.services.seats import event_release_if_due


@task()
def release_event(event_id: int) -> bool:
    """Serve the release of one event (and expired holds); idempotent."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return False
    event_release_if_due(event=event)
    return True


@task()
def housekeep_events() -> int:
    """Serve every due release and expire every hold that ran out."""
    return housekeeping.events_housekeep_due()


@task()
def send_reminders() -> int:
    return housekeeping.reminders_send()


@task()
def anonymise_registrations() -> int:
    return housekeeping.registrations_anonymise_due()


@task()
def events_tick() -> dict[str, int]:
    return {
        "housekept": housekeeping.events_housekeep_due(),
        "reminded": housekeeping.reminders_send(),
        "anonymised": housekeeping.registrations_anonymise_due(),
    }
