"""Background tasks of the outbox (run by ``jamlik db_worker``)."""

from django_tasks import task

from jamlik.notifications import services
from jamlik.notifications.services import deliver_message

__all__ = ["deliver_message", "retry_outbox"]


@task()
def retry_outbox() -> int:
    return services.outbox_retry_due()
