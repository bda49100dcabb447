"""The PostgreSQL backend checks a reused connection only after it sat idle
(core/postgresql/base.py): no ``SELECT 1`` before each request of a storm, a check after a
pause, and a connection cut while in use costs one failed request, not the next ones."""

from __future__ import annotations

from unittest import mock

import psycopg
import pytest
from django.db import OperationalError, connection, connections

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend"),
]


def request(cursor_sql: str = "SELECT 2") -> None:
    """What a request does with the connection: the start-of-request bookkeeping, a query."""
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute(cursor_sql)


def checks_during(requests: int) -> int:
    with mock.patch.object(connection, "is_usable", wraps=connection.is_usable) as is_usable:
        for _ in range(requests):
            request()
    return is_usable.call_count


def test_a_connection_in_steady_use_is_not_checked(monkeypatch):
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    # "Steady" without depending on how fast this machine runs the loop.
    monkeypatch.setattr(type(connections["default"]), "CHECK_AFTER_IDLE", 3600.0)
    connection.close()  # a new connection, as in a fresh worker
    connection.ensure_connection()
    assert checks_during(5) == 0


def test_a_connection_that_sat_idle_is_checked_once_a_request(monkeypatch):
    connection.ensure_connection()
    request()
    monkeypatch.setattr(type(connections["default"]), "CHECK_AFTER_IDLE", 0.0)
    assert checks_during(3) == 3


def test_a_connection_cut_in_use_fails_one_request_and_is_replaced(monkeypatch):
    monkeypatch.setattr(type(connections["default"]), "CHECK_AFTER_IDLE", 3600.0)
    connection.ensure_connection()
    request()
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    with pytest.raises(OperationalError):
        request()
    request()  # Django dropped the broken connection at the end of the failed request
    assert connection.connection.info.backend_pid != pid
