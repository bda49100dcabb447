"""``jamlik events tick``: the periodic work of the events app (releases due, holds expired,
reminders, anonymisation). Run it every few minutes from cron or a systemd timer; the
``--enqueue`` form hands it to the task worker instead of running it here."""

from django.core.management.base import BaseCommand

from jamlik.events import tasks


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
        done = tasks.tick_work()
        if done.get("skipped"):
            self.stdout.write("skipped: another run of the periodic work is at work")
            return
        self.stdout.write(
            f"events housekept: {done['housekept']}, reminders sent: {done['reminded']}, "
            f"registrations anonymised: {done['anonymised']}, "
            f"mail queued again: {done['mail_requeued']}, "
            f"expired file jobs deleted: {done['file_jobs_deleted']}"
        )
