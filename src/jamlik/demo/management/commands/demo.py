"""``jamlik demo``: load the demo data set into the configured database, idempotently, print
the logins and exit."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from jamlik.demo import loader


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the logins."

    def handle(self, *args, **options):
        with transaction.atomic():
            result = loader.load_all(stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demodata inläst."))
        for line in result.summary:
            self.stdout.write(f"  {line}")
        self.stdout.write("")
        self.stdout.write(
            f"Öppna {settings.BASE_URL}/ och logga in (lösenord för alla: {result.password}):"
        )
        for username, role in result.logins:
            self.stdout.write(f"  {username:<10} {role}")
        for line in result.links:
            self.stdout.write(f"  {line}")
