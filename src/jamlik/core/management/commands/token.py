"""``jamlik token create USERNAME``: make an API token; the token alone is the last line."""

from django.core.management.base import BaseCommand, CommandError

from jamlik.core import services
from jamlik.core.models import User


class Command(BaseCommand):
    help = "Manage API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token for a user and print it.")
        create.add_argument("username")
        create.add_argument("--name", default="command line")

    def handle(self, *args, action, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        raw = services.api_token_create(actor=None, user=user, name=name)
        self.stdout.write(f"Token for {user.username} (shown once):")
        self.stdout.write(raw)
