"""Background tasks of the reviews app (run by ``jamlik db_worker``)."""

from django_tasks import task

from jamlik.reviews.services import reviews


@task()
def send_milestone_reminders() -> int:
    """Remind review owners of milestones coming due; safe to run any number of times."""
    return reviews.milestone_reminders_send()
