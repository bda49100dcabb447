"""``jamlik campaigns remind``: send the due reminders of every open campaign (run it daily
from cron when the task worker does not run deferred tasks)."""

from django.core.management.base import BaseCommand

from jamlik.assessments import services


class Command(BaseCommand):
    help = "Self-assessment campaigns: send due reminders."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("remind", help="Send the due reminders of every open campaign.")

    def handle(self, *args, action, **options):
        sent = services.reminders_send_due()
        self.stdout.write(f"{sent} reminder(s) queued.")
