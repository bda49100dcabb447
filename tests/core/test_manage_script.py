"""deploy/jamlik-manage reads /etc/jamlik/env as systemd reads an EnvironmentFile: plain
KEY=value lines (spaces and <> need no quotes), comments skipped, and quotes around a value
removed (the README writes DIRECTORY_ROLE_MAP="…;…" and OIDC_SCOPES="openid email profile")."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "jamlik-manage"


def test_the_env_file_is_read_as_systemd_reads_it(tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text(
        "DEFAULT_FROM_EMAIL=Jämlik <noreply@stad.example>\n"
        "# a comment\n"
        'DIRECTORY_ROLE_MAP="administrator=Jamlik.Admin;city_coordinator=Jamlik.City"\n'
        "OIDC_SCOPES='openid email profile'\n",
        encoding="utf-8",
    )
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    fake = venv / "bin" / "jamlik"
    fake.write_text(
        '#!/bin/sh\nprintf "%s|%s|%s|%s\\n" "$DEFAULT_FROM_EMAIL" "$DIRECTORY_ROLE_MAP" '
        '"$OIDC_SCOPES" "$1"\n'
    )
    fake.chmod(0o755)
    user = pwd.getpwuid(os.getuid()).pw_name
    answer = subprocess.run(  # noqa: S603 (our own script)
        [shutil.which("bash") or "/bin/bash", str(SCRIPT), "migrate"],
        env={
            **os.environ,
            "JAMLIK_ENV_FILE": str(env_file),
            "JAMLIK_VENV": str(venv),
            "JAMLIK_USER": user,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert answer.stdout.strip() == (
        "Jämlik <noreply@stad.example>|administrator=Jamlik.Admin;city_coordinator=Jamlik.City"
        "|openid email profile|migrate"
    )
