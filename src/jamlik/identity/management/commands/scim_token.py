"""``jamlik scim_token create [--name NAME]``: make a SCIM token; the token alone is the
last line. ``jamlik scim_token revoke PREFIX``: revoke the tokens that begin with PREFIX."""

from django.core.management.base import BaseCommand, CommandError

from jamlik.identity import services
from jamlik.identity.models import ScimToken


class Command(BaseCommand):
    help = "Manage the SCIM tokens the directory provisions staff with."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a SCIM token and print it.")
        create.add_argument("--name", default="command line")
        revoke = sub.add_parser("revoke", help="Revoke the SCIM tokens beginning with PREFIX.")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        if action == "create":
            raw = services.scim_token_create(actor=None, name=options["name"])
            self.stdout.write("SCIM token (shown once):")
            self.stdout.write(raw)
            return
        prefix = options["prefix"]
        if len(prefix) < 4:
            raise CommandError("Give at least the first 4 characters of the token.")
        tokens = list(ScimToken.objects.filter(prefix__startswith=prefix[:8]))
        if not tokens:
            raise CommandError("No SCIM token begins with that prefix.")
        for token in tokens:
            services.scim_token_revoke(actor=None, token=token)
        self.stdout.write(f"Revoked {len(tokens)} SCIM token(s).")
