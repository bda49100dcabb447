"""``jamlik events tick``: the periodic work of the events app (releases due, holds expired,
reminders, anonymisation). Run it every few minutes from cron or a systemd timer; the
``--enqueue`` form hands it to the task worker instead of running it here."""

from django.core.management.base import BaseCommand

from jamlik.events import tasks
from jamlik.events.services import housekeeping


class Command(BaseCommand):
    help = "Periodic work of the events app."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        tick = sub.add_parser("tick", help="Serve releases, expire holds, remind, anonymise.")
        tick.add_argument("--enqueue", action="store_true", help="Run it on the task worker.")

    def handle(self, *args, action, **options):
        if options.get("enqueue"):
            tasks.events_tick.enqueue()
            self.stdout.write("enqueued")
            return
        housekept = housekeeping.events_housekeep_due()
        reminded = housekeeping.reminders_send()
        anonymised = housekeeping.registrations_anonymise_due()
        self.stdout.write(
            f"events housekept: {housekept}, reminders sent: {reminded}, "
            f"registrations anonymised: {anonymised}"
        )
