"""One connection to the mail server for the mails a worker sends in a batch.

``EmailMessage.send()`` connects, greets (EHLO, STARTTLS, AUTH) and quits for every
message: in a registration storm that is most of the worker's cost of a mail, and the
server's too. Within ``shared_connection()`` the mails this thread sends share one
connection, opened at the first send and closed when the scope ends. The worker opens the
scope around the tasks of one poll (jamlik.worker.loop), so no connection outlives a batch:
none sits idle while the worker waits for work, or after it stops.

Outside a scope (a web request, the immediate task backend, the tests) ``send`` sends as
``EmailMessage.send()`` always did.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.mail import EmailMessage, get_connection

logger = logging.getLogger(__name__)

_local = threading.local()


class _Shared:
    """The scope's connection: none until the first send, then one kept open."""

    def __init__(self) -> None:
        self.connection: Any = None

    def send(self, email: EmailMessage) -> None:
        reused = self.connection is not None
        try:
            self._send(email)
        except Exception:
            self.close()  # whatever went wrong, the next mail starts on a fresh connection
            if not reused:
                raise
            # The server may have closed a connection it found idle or had served enough
            # (SMTPServerDisconnected, 421, a reset socket): once more on a fresh one; a
            # second failure is the caller's, who retries later with back-off.
            logger.info("SMTP connection lost; sending again on a new one")
            try:
                self._send(email)
            except Exception:
                self.close()
                raise

    def _send(self, email: EmailMessage) -> None:
        if self.connection is None:
            self.connection = get_connection()
            # Opened here, so that send_messages() leaves it open for the next mail.
            self.connection.open()
        email.connection = self.connection
        email.send()

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            # QUIT on a connection the server dropped fails; it is gone all the same.
            with contextlib.suppress(Exception):
                connection.close()


@contextmanager
def shared_connection() -> Iterator[None]:
    """Within it, the mails this thread sends through ``send`` share one connection, closed
    when the scope ends. A scope within another uses the outer one's connection."""
    if getattr(_local, "shared", None) is not None:
        yield
        return
    shared = _local.shared = _Shared()
    try:
        yield
    finally:
        _local.shared = None
        shared.close()


def send(email: EmailMessage) -> None:
    """Send one message: on the scope's shared connection, or on one of its own."""
    shared: _Shared | None = getattr(_local, "shared", None)
    if shared is None:
        email.send()
    else:
        shared.send(email)
