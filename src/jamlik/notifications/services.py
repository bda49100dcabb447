"""Queueing and delivering e-mail through the outbox.

``mail_enqueue`` renders the message in the recipient's language and stores it in the
caller's transaction; delivery is a task enqueued on commit. A failed delivery stays queued
and is retried with back-off by the worker (``jamlik db_worker``) or by
``jamlik outbox retry``. Recipients and contents never go into logs.
"""

from __future__ import annotations

import base64
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django_tasks import task

from jamlik.core.sql import insert
from jamlik.notifications import smtp
from jamlik.notifications.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


def mail_enqueue(
    *,
    kind: str,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str = "sv",
    attachments: list[Attachment] | None = None,
    about: str = "",
    reply_to: str = "",
    envelope_from: str = "",
) -> OutboxMessage:
    """Render ``notifications/email/<template>_subject.txt``, ``.txt`` and (if present)
    ``.html`` and store the message; it is sent after the surrounding transaction commits."""
    with translation.override(language):
        full = {"base_url": settings.BASE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", full).split())
        body_text = render_to_string(f"{template}.txt", full)
        try:
            html_template = get_template(f"{template}.html")
        except TemplateDoesNotExist:  # a template without an HTML part is normal
            body_html = ""
        else:  # a broken HTML part is an error, not a silent plain-text mail
            body_html = html_template.render(full)
    message = OutboxMessage(
        kind=kind,
        to=to,
        reply_to=reply_to,
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html,
        attachments=[
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "content": base64.b64encode(a.content).decode(),
            }
            for a in attachments or []
        ],
        about=about[:100],
        envelope_from=envelope_from,
    )
    insert(message)  # one a confirmation: the INSERT built once (core.sql)
    if getattr(_delivery, "at_commit", False):
        transaction.on_commit(lambda: _deliver_rendered(message, attachments or []))
    else:
        transaction.on_commit(lambda: _schedule(message.pk))
    return message


_delivery = threading.local()


@contextmanager
def delivery_at_commit() -> Iterator[None]:
    """Within it, a message stored by ``mail_enqueue`` is sent by this process as soon as its
    transaction commits, instead of by a task of its own: the worker rendering notices sends
    what it rendered in the same run (one task a decision, not one more a mail)."""
    before = getattr(_delivery, "at_commit", False)
    _delivery.at_commit = True
    try:
        yield
    finally:
        _delivery.at_commit = before


def _deliver_rendered(message: OutboxMessage, attachments: list[Attachment]) -> None:
    """Send a message just stored, from what is still in memory (no second read of the row),
    then mark it sent in one statement. Nobody else holds this row: no delivery task was
    queued for it, and the tick requeues only messages left queued for ``STALE_AFTER``. A
    failed send (tried once more if it was on a shared connection that had been dropped)
    goes the usual way: its delivery task retries it with back-off."""
    email = _email(message, [(a.filename, a.content, a.content_type) for a in attachments])
    try:
        # In the worker, on the batch's shared connection (jamlik.notifications.smtp).
        smtp.send(email)
    except Exception as exc:  # SMTP and socket errors of every kind
        logger.warning("outbox message %s not sent at once (%s)", message.pk, type(exc).__name__)
        _schedule(message.pk)
        return
    try:
        marked = _mark_sent(message.pk)
    except DatabaseError:
        # Sent but not marked: the tick requeues it after STALE_AFTER and it goes out twice,
        # the at-least-once edge of any mail sent before its row is updated.
        logger.warning("outbox message %s sent but not marked sent", message.pk)
        return
    if not marked:
        logger.warning("outbox message %s was no longer queued when sent", message.pk)


def _mark_sent(message_id: int) -> int:
    """Mark a queued message sent; how many rows changed (0: it was no longer queued).
    Written in SQL: it runs once a confirmation, and the ORM's UPDATE cost more than the
    database's work for it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE notifications_outboxmessage SET status = %s, sent_at = %s,"
            " attempts = attempts + 1, last_error = '', next_attempt_at = NULL"
            " WHERE id = %s AND status = %s",
            [
                OutboxStatus.SENT.value,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                message_id,
                OutboxStatus.QUEUED.value,
            ],
        )
        return cursor.rowcount


def _email(
    message: OutboxMessage, attachments: list[tuple[str, bytes, str]]
) -> EmailMultiAlternatives:
    # The outbox row: traces a bounce or a complaint to its message, and lets the
    # scale-out benchmark count deliveries per row (exactly once across workers).
    headers = {"X-Jamlik-Outbox": str(message.pk)}
    if message.envelope_from:
        # The SMTP envelope (Return-Path) goes to the bounce address; people see the usual From.
        headers["From"] = settings.DEFAULT_FROM_EMAIL
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.envelope_from or settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers=headers,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for filename, content, content_type in attachments:
        email.attach(filename, content, content_type)
    return email


def _schedule(message_id: int, *, delay: timedelta | None = None) -> None:
    try:
        if delay is not None and deliver_message.get_backend().supports_defer:
            deliver_message.using(run_after=timezone.now() + delay).enqueue(message_id)
        elif delay is None:
            deliver_message.enqueue(message_id)
    except Exception:  # the message is stored; `jamlik outbox retry` will send it later
        logger.exception("could not enqueue delivery of outbox message %s", message_id)


def outbox_deliver(*, message_id: int) -> bool:
    """Send one queued message; True when it went out. Safe to call twice."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != OutboxStatus.QUEUED:
            return False
        email = _email(
            message,
            [
                (item["filename"], base64.b64decode(item["content"]), item["content_type"])
                for item in message.attachments
            ],
        )
        message.attempts += 1
        try:
            smtp.send(email)
        except Exception as exc:  # SMTP and socket errors of every kind
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            give_up = message.attempts >= MAX_ATTEMPTS
            message.status = OutboxStatus.FAILED if give_up else OutboxStatus.QUEUED
            delay = timedelta(minutes=2**message.attempts)
            message.next_attempt_at = None if give_up else timezone.now() + delay
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            logger.warning("outbox message %s not sent (attempt %s)", message.pk, message.attempts)
            if not give_up:
                transaction.on_commit(lambda: _schedule(message.pk, delay=delay))
            return False
        message.status = OutboxStatus.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.next_attempt_at = None
        message.save(
            update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"]
        )
        return True


@task()
def deliver_message(message_id: int) -> bool:
    """The worker's delivery of one message (queued by ``_schedule``, so it lives here: the
    import goes one way)."""
    return outbox_deliver(message_id=message_id)


# A message still queued this long after it fell due has lost its delivery task (the worker
# stopped, or lost the database, while sending it).
STALE_AFTER = timedelta(minutes=15)
REQUEUE_AT_MOST = 200


def outbox_requeue_stale(*, now: Any = None) -> int:
    """Enqueue delivery again for queued messages that fell due ``STALE_AFTER`` ago and were
    not sent; the periodic tick calls it. Messages whose delivery is still ahead of them
    (a retry waiting for its time) are left alone. Returns how many were requeued."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = (
        OutboxMessage.objects.filter(status=OutboxStatus.QUEUED)
        .filter(
            Q(next_attempt_at__lte=cutoff) | Q(next_attempt_at__isnull=True, created_at__lte=cutoff)
        )
        .order_by("id")
        .values_list("id", flat=True)[:REQUEUE_AT_MOST]
    )
    ids = list(stale)
    for message_id in ids:
        _schedule(message_id)
    return len(ids)


def outbox_retry_due(*, now: Any = None, include_not_due: bool = False) -> int:
    """Try again every queued message whose time has come; returns how many went out."""
    now = now or timezone.now()
    queued = OutboxMessage.objects.filter(status=OutboxStatus.QUEUED)
    if not include_not_due:
        queued = queued.exclude(next_attempt_at__gt=now)
    sent = 0
    for message_id in queued.order_by("id").values_list("id", flat=True):
        sent += outbox_deliver(message_id=message_id)
    return sent
