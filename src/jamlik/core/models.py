"""Users and their roles, API tokens, the audit log, rate-limit counters, the worker's
heartbeats and file jobs (files built by the worker)."""

import hashlib
import secrets
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    CITY_COORDINATOR = "city_coordinator", _("City coordinator")
    ORG_COORDINATOR = "org_coordinator", _("Organisation coordinator")


class StaffUserManager(UserManager):
    """``createsuperuser`` makes an administrator: a superuser is the system administrator
    role, never an organisation coordinator without an organisation."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        extra_fields.setdefault("organisation", None)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A staff member: systemadministratör, stadsövergripande samordnare or
    organisationssamordnare. Participants, managers and respondents have no account."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(
        _("role"), max_length=32, choices=Role.choices, default=Role.ORG_COORDINATOR
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coordinators",
    )

    objects: ClassVar[StaffUserManager] = StaffUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="org_coordinator") | models.Q(organisation__isnull=False),
                name="org_coordinator_has_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return self.name or self.get_full_name() or self.username

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.role in (Role.ADMIN, Role.CITY_COORDINATOR)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=200, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def generate() -> str:
        return secret_token()


def secret_token() -> str:
    """A bearer token: 32 random bytes (256 bits, far beyond guessing), URL-safe base64,
    never starting with "-" — a prefix typed on a command line (``jamlik scim_token revoke
    PREFIX``) would be taken for an option."""
    while True:
        token = secrets.token_urlsafe(32)
        if not token.startswith("-"):
            return token


class AuditEntry(models.Model):
    """Who changed what: written by the services in the same transaction as the change."""

    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=300, blank=True)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class RateLimitHit(models.Model):
    """A counter per key and fixed window, shared by all app servers through the database."""

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="ratelimit_key_window")
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%H:%M}: {self.count}"


class WorkerHeartbeat(models.Model):
    """When the task worker last showed life, one row per kind of beat: ``worker`` as it
    polls the queue, ``tick`` as the periodic work runs. ``/readyz`` reads them."""

    WORKER = "worker"
    TICK = "tick"

    name = models.CharField(max_length=50, unique=True)
    last_seen = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def beat(cls, name: str) -> None:
        from django.utils import timezone

        now = timezone.now()
        # An UPDATE in the common case; the row is created once (two workers may race to it).
        if not cls.objects.filter(name=name).update(last_seen=now):
            cls.objects.update_or_create(name=name, defaults={"last_seen": now})

    @classmethod
    def last(cls, name: str):
        return cls.objects.filter(name=name).values_list("last_seen", flat=True).first()


class FileJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class FileJob(models.Model):
    """A file built by the worker for one user (``core.filejobs``): what to build (``kind``
    names a registered builder, ``params`` its arguments), how far it got and, once done, the
    file itself. Only its owner reaches it; it is deleted a day after it was asked for."""

    # The file is stored in the row (a BinaryField) rather than as a FileField under the var
    # directory: the web process and the worker may run on different hosts or containers and
    # share only the database; the file is written in the same UPDATE that marks the job
    # done (no file without its row, no row pointing at a missing file); deleting the row
    # deletes the file; backups and both databases need nothing more. Exports are a few MB
    # and live one day, and the content is deferred whenever only the status is read.
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="file_jobs")
    kind = models.CharField(max_length=100)
    params = models.JSONField(default=dict, blank=True)
    # The language the file is built in: the one of the request that asked for it.
    language = models.CharField(max_length=8, default="sv")
    status = models.CharField(
        max_length=16, choices=FileJobStatus.choices, default=FileJobStatus.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    # A generic message, never the exception's text (it may name people).
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("file job")
        verbose_name_plural = _("file jobs")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (FileJobStatus.DONE, FileJobStatus.FAILED)

    @property
    def percent(self) -> int:
        """Whole percent done (100 once done; 0 while the total is not known yet)."""
        if self.status == FileJobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
