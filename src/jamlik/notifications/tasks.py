"""Background tasks of the outbox (run by ``jamlik db_worker``)."""

from django_tasks import task

from jamlik.notifications import services


@task()
def deliver_message(message_id: int) -> bool:
    return services.outbox_deliver(message_id=message_id)


@task()
def retry_outbox() -> int:
    return services.outbox_retry_due()
