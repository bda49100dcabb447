"""``jamlik reviews remind``: mail review owners about milestones coming due (14 days and
1 day before). Run it daily from cron or a systemd timer; sending twice is impossible, so
an extra run does no harm. ``--enqueue`` hands it to the task worker instead."""

from django.core.management.base import BaseCommand

from jamlik.reviews import tasks
from jamlik.reviews.services import milestone_reminders_send


class Command(BaseCommand):
    help = "Reviews: remind owners of milestones coming due."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="Mail the reminders due today.")
        remind.add_argument("--enqueue", action="store_true", help="Run it on the task worker.")

    def handle(self, *args, action, **options):
        if options.get("enqueue"):
            tasks.send_milestone_reminders.enqueue()
            self.stdout.write("enqueued")
            return
        sent = milestone_reminders_send()
        self.stdout.write(f"{sent} milestone reminder(s) queued.")
