"""``jamlik demo_sso_provider``: the demo's directory (demo/sso.py) on 127.0.0.1."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the demo's OpenID Connect provider on 127.0.0.1 (make demo-sso)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=9400)

    def handle(self, *args: Any, port: int, **options: Any) -> None:
        from werkzeug.serving import run_simple

        from jamlik.demo.sso import IDENTITIES, provider_app

        os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain HTTP on 127.0.0.1, demo only
        self.stdout.write(
            f"Demo directory on http://127.0.0.1:{port} with "
            + ", ".join(identity["sub"] for identity in IDENTITIES)
        )
        run_simple("127.0.0.1", port, provider_app(), threaded=True)
