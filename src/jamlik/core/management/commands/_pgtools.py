"""What ``jamlik backup`` and ``jamlik restore`` share: the PostgreSQL client programs and
the connection of DATABASE_URL as their arguments and environment (the password goes in
PGPASSWORD, never on the command line)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connections


def postgres_connection(using: str = "default") -> tuple[list[str], dict[str, str]]:
    """``-h/-p/-U/-d`` arguments and the environment for pg_dump/pg_restore; a CommandError
    on any other database."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise CommandError(
            f"backup and restore need PostgreSQL (DATABASE_URL=postgres://...); this "
            f"installation uses {connection.vendor}. Copy the SQLite file while jamlik is "
            "stopped instead."
        )
    settings = connection.settings_dict
    arguments = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if settings.get(key):
            arguments += [flag, str(settings[key])]
    arguments += ["-d", settings["NAME"]]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    sslmode = (settings.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return arguments, env


def program(name: str) -> str:
    """The newest ``name`` (pg_dump, pg_restore): Debian's versioned folders first, since
    pg_dump must be at least as new as the server, then PATH."""
    found = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if found:
        return str(found[-1])
    on_path = shutil.which(name)
    if on_path:
        return on_path
    raise CommandError(f"{name} not found: apt-get install postgresql-client")
