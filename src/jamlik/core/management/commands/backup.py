"""``jamlik backup <file>``: the whole database in pg_dump's custom format (``-Fc``:
compressed, restored selectively with ``jamlik restore``). PostgreSQL only."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jamlik.core.management.commands._pgtools import postgres_connection, program


class Command(BaseCommand):
    help = "Back the PostgreSQL database up to a file (pg_dump -Fc)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="where to write the dump (overwritten)")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        arguments, env = postgres_connection()
        target = Path(file)
        partial = target.with_name(target.name + ".partial")
        # Written beside the target and renamed: a failed run never leaves a half dump
        # under the name a restore would pick up.
        command = [program("pg_dump"), "-Fc", "--no-password", "-f", str(partial), *arguments]
        result = subprocess.run(  # noqa: S603  (fixed program, arguments from settings)
            command, env=env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        partial.replace(target)
        self.stdout.write(f"backed up to {target} ({target.stat().st_size} bytes)")
