"""Background tasks of the reviews app (run by ``jamlik db_worker``). The reminder task is
defined beside the service that queues it."""

from jamlik.reviews.services.reviews import send_milestone_reminders

__all__ = ["send_milestone_reminders"]
