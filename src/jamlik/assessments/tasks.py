"""Background tasks of assessments (run by ``jamlik db_worker``)."""

from django_tasks import task

from jamlik.assessments import services


@task()
def send_due_reminders() -> int:
    """Send every due reminder of the open campaigns; the interval rule makes a second run
    harmless."""
    return services.reminders_send_due()


@task()
def send_campaign_reminders(campaign_id: int, token: str) -> int:
    """One campaign's reminders, rescheduling itself each interval while it is open."""
    return services.campaign_reminder_run(campaign_id=campaign_id, token=token)
