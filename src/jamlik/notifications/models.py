"""The outbox (utkorgen): every e-mail is stored first and sent by the task worker, so a
change is never lost because the mail server is down."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")  # gave up after the last attempt


class OutboxMessage(models.Model):
    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    to = models.EmailField(_("to"), max_length=254)
    reply_to = models.EmailField(max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # [{"filename": ..., "content_type": ..., "content": base64}], small files only (.ics).
    attachments = models.JSONField(default=list, blank=True)
    # What the message is about (e.g. "events.registration:12"): lets a sender ask whether a
    # reminder already went out, and lets erasure find a person's mail.
    about = models.CharField(max_length=100, blank=True, db_index=True)
    # The envelope sender (Return-Path) when it is not DEFAULT_FROM_EMAIL's address: an
    # event's bounce address (settings.EVENT_BOUNCE_ADDRESS). The From header stays the same.
    envelope_from = models.EmailField(max_length=254, blank=True, default="")
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"
