"""The operator's run contract as the README states it: the first administrator, where mail
files go, what ``check --deploy`` refuses, the system packages ``make test`` installs, and
the address ``make demo`` prints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from jamlik.core.models import Role, User
from jamlik.core.settings_helpers import email_file_path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "x" * 60 + "not-a-default-key-1234567890"


def _jamlik(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own command line)
        [sys.executable, "-m", "jamlik.cli", *args],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _production_env(var_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "jamlik.example",
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{var_dir / 'deploy-check.sqlite3'}",
        "JAMLIK_VAR_DIR": str(var_dir),
        "EMAIL_URL": "smtp://mail.example:587/?tls=True",
        "TASKS_BACKEND": "database",
        **extra,
    }


@pytest.mark.django_db
def test_createsuperuser_noinput_makes_the_first_administrator(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-first-password-2026")
    call_command("createsuperuser", interactive=False, username="root", email="it@stad.example")
    admin = User.objects.get(username="root")
    assert admin.role == Role.ADMIN and admin.organisation is None
    assert admin.is_superuser and admin.is_staff and admin.sees_everything
    assert admin.check_password("a-long-first-password-2026")


def test_filemail_url_keeps_its_absolute_path(tmp_path):
    assert email_file_path("filemail:///var/mail/jamlik") == "/var/mail/jamlik"
    assert email_file_path("filemail://var/mail") == "var/mail"
    folder = tmp_path / "mail"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; django.setup(); "
            "print(settings.EMAIL_FILE_PATH)",
        ],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "jamlik.settings",
            "EMAIL_URL": f"filemail://{folder}",
            "JAMLIK_VAR_DIR": str(tmp_path / "var"),
        },
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert result.stdout.strip() == str(folder)


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    var_dir = tmp_path_factory.mktemp("var")
    result = _jamlik("collectstatic", "--no-input", "-v0", env=_production_env(var_dir))
    assert result.returncode == 0, result.stderr
    return var_dir


def test_check_deploy_passes_for_a_production_environment(collected):
    result = _jamlik("check", "--deploy", "--fail-level", "WARNING", env=_production_env(collected))
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_when_mail_would_go_to_the_console(collected):
    env = _production_env(collected)
    del env["EMAIL_URL"]
    result = _jamlik("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "jamlik.E001" in result.stderr and "EMAIL_URL" in result.stderr


def test_check_deploy_fails_without_collectstatic(tmp_path):
    result = _jamlik("check", "--deploy", env=_production_env(tmp_path))
    assert result.returncode != 0
    assert "jamlik.E002" in result.stderr and "collectstatic" in result.stderr


def test_check_deploy_warns_when_tasks_run_inside_the_request(collected):
    env = _production_env(collected, TASKS_BACKEND="immediate")
    result = _jamlik("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0 and "jamlik.W003" in result.stderr


def _stub(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(0o755)


def test_make_test_stops_with_the_apt_line_when_it_cannot_install(tmp_path):
    # A machine without the packages, as a user without root and without sudo.
    for name in ("bash", "cat", "dirname", "env"):
        (tmp_path / name).symlink_to(
            f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else f"/bin/{name}"
        )
    _stub(tmp_path, "dpkg-query", "exit 1")
    _stub(tmp_path, "id", "echo 1000")
    _stub(tmp_path, "apt-get", "echo apt-get-was-run; exit 0")
    result = subprocess.run(  # noqa: S603 (our own script)
        [str(tmp_path / "bash"), str(ROOT / ".ci" / "system-packages")],
        env={"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "apt-get-was-run" not in result.stdout
    assert "apt-get install -y --no-install-recommends postgresql chromium" in result.stderr


def test_ci_runs_make_test_and_make_test_installs_the_packages():
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [
        line for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    assert commands[-1].endswith("make test") and "apt-get" not in ci
    makefile = (ROOT / "Makefile").read_text()
    test_rule = next(line for line in makefile.splitlines() if line.startswith("test:"))
    assert test_rule.split(":", 1)[1].split()[0] == "system-packages"


def test_make_demo_prints_the_address_it_serves_on():
    result = subprocess.run(
        ["make", "-n", "demo", "DEMO_HOST=127.0.0.1", "DEMO_PORT=8123"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "MAKEFLAGS": ""},
    )
    lines = result.stdout.splitlines()
    demo = next(line for line in lines if line.rstrip().endswith("jamlik demo"))
    server = next(line for line in lines if " runserver " in line)
    assert "BASE_URL=http://127.0.0.1:8123" in demo
    assert server.rstrip().endswith("runserver 127.0.0.1:8123")
