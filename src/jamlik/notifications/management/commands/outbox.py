"""``jamlik outbox retry``: send every queued e-mail now (e.g. after the mail server was down)."""

from django.core.management.base import BaseCommand

from jamlik.notifications import services
from jamlik.notifications.models import OutboxMessage, OutboxStatus


class Command(BaseCommand):
    help = "Inspect and retry the e-mail outbox."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="Count messages per status.")
        retry = sub.add_parser("retry", help="Send queued messages.")
        retry.add_argument("--all", action="store_true", help="Also those not yet due.")

    def handle(self, *args, action, **options):
        if action == "status":
            for status in OutboxStatus:
                count = OutboxMessage.objects.filter(status=status).count()
                self.stdout.write(f"{status.value}: {count}")
            return
        sent = services.outbox_retry_due(include_not_due=options["all"])
        self.stdout.write(f"sent {sent}")
