"""``jamlik restore <file>``: put a ``jamlik backup`` back (pg_restore --clean --if-exists
--no-owner, in one transaction: a failed restore leaves the database as it was). Stop the
app servers and workers first; run ``jamlik migrate`` after restoring an older backup."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from jamlik.core.management.commands._pgtools import postgres_connection, program


class Command(BaseCommand):
    help = "Restore the PostgreSQL database from a `jamlik backup` file (replaces its data)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="a file written by `jamlik backup`")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        arguments, env = postgres_connection()
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"no such backup: {source}")
        connections.close_all()  # our own connection would hold locks the restore needs
        command = [
            program("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
            "--exit-on-error", "--no-password", *arguments, str(source),
        ]  # fmt: skip
        result = subprocess.run(  # noqa: S603  (fixed program, arguments from settings)
            command, env=env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        self.stdout.write(f"restored from {source}")
