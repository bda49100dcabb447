"""Background tasks of assessments (run by ``jamlik db_worker``)."""

from django_tasks import task

from jamlik.assessments import services
from jamlik.assessments.services.campaigns import send_campaign_reminders

__all__ = ["send_campaign_reminders", "send_due_reminders"]


@task()
def send_due_reminders() -> int:
    """Send every due reminder of the open campaigns; the interval rule makes a second run
    harmless."""
    return services.reminders_send_due()
