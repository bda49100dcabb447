"""Django's PostgreSQL backend, checking a reused connection only after it sat idle.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every
request on a reused connection: one round trip in every registration of a storm. A
connection that served a request a moment ago has just proved itself, so it is checked only
when it sat idle for ``CHECK_AFTER_IDLE`` seconds — the connections a database restart or a
firewall's idle timeout cut. A connection cut while in steady use fails its request with a
503 (docs/decisions/0019-503-while-the-database-is-away.md), and Django drops it at the
end of that request, so the next request reconnects.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    CHECK_AFTER_IDLE = 1.0  # seconds

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_cursor_at: float | None = None

    def close_if_health_check_failed(self) -> None:
        # Called each time a cursor is made; the check itself runs once a request.
        now = time.monotonic()
        if self.last_cursor_at is not None and now - self.last_cursor_at < self.CHECK_AFTER_IDLE:
            self.health_check_done = True  # in steady use: no SELECT 1
        super().close_if_health_check_failed()
        self.last_cursor_at = now

    def connect(self) -> None:
        super().connect()
        self.last_cursor_at = time.monotonic()  # a new connection has just proved itself
