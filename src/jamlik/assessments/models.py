"""Self-assessment (självskattning): frameworks of requirements, campaigns over a part of the
organisation tree, one response per unit with its answers and submitted versions, and the
actions (åtgärder) that follow."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jamlik.core.models import secret_token


class Framework(models.Model):
    """One version of a framework (ramverk), loaded from a YAML file. Immutable once a
    campaign uses it (``locked_at``)."""

    key = models.CharField(_("key"), max_length=100)
    version = models.CharField(_("version"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # English texts beside the Swedish ones, blank when the file has none
    # (assessments.texts.localized picks the one to show).
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True, default="")
    description_en = models.TextField(_("description (English)"), blank=True, default="")
    # {name: [{"value", "label", "label_en"?, "score"}]}; score null = no score (n/a, don't
    # know); label_en only when the file gives one.
    scales = models.JSONField(_("answer scales"), default=dict)
    default_scale = models.CharField(_("default scale"), max_length=50)
    source_name = models.CharField(_("source file"), max_length=200, blank=True)
    source_hash = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    locked_at = models.DateTimeField(_("in use since"), null=True, blank=True)

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["key", "version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="framework_key_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    @property
    def locked(self) -> bool:
        return self.locked_at is not None

    def scale(self, name: str | None = None) -> list[dict[str, Any]]:
        return list(self.scales.get(name or self.default_scale, []))


class Area(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    key = models.CharField(_("key"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True, default="")
    description_en = models.TextField(_("description (English)"), blank=True, default="")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "key"], name="area_key")]

    def __str__(self) -> str:
        return self.title


class Requirement(models.Model):
    """A requirement (krav). Its ``key`` is stable across framework versions, so campaigns
    compare year on year."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="requirements")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="requirements")
    key = models.CharField(_("key"), max_length=100)
    text = models.TextField(_("text"))
    reference = models.CharField(_("legal reference"), max_length=500)
    guidance = models.TextField(_("guidance"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True, default="")
    guidance_en = models.TextField(_("guidance (English)"), blank=True, default="")
    # The scale's name in framework.scales, always resolved (the default when the file named
    # none); ``own_scale`` says whether the file named one.
    scale_name = models.CharField(_("scale"), max_length=50)
    own_scale = models.BooleanField(default=False)
    needs_check = models.BooleanField(
        _("to be checked"),
        default=False,
        help_text=_("The wording or reference must be checked against the law text."),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "key"], name="requirement_key")]

    def __str__(self) -> str:
        return self.key


def default_closes_at() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=30)


class CampaignStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("Open")
    CLOSED = "closed", pgettext_lazy("campaign status", "Closed")


class Campaign(models.Model):
    """A self-assessment campaign (självskattningsomgång): a framework version answered by
    every unit under the named organisations between two dates."""

    title = models.CharField(_("title"), max_length=200)
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="campaigns"
    )
    organisations = models.ManyToManyField(
        "orgs.Organisation", verbose_name=_("organisations"), related_name="+"
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"), default=default_closes_at)
    reminder_interval_days = models.PositiveSmallIntegerField(
        _("reminder interval (days)"),
        default=7,
        help_text=_("At most one reminder per unit per this many days; 0 sends none."),
    )
    # The token of the scheduled reminder task chain (services.schedule_reminders).
    reminder_job = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="campaign_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def status_at(self, now: dt.datetime | None = None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return CampaignStatus.SCHEDULED
        if now >= self.closes_at:
            return CampaignStatus.CLOSED
        return CampaignStatus.OPEN

    @property
    def status(self) -> str:
        return self.status_at()


class ResponseStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REOPENED = "reopened", _("Reopened")


def new_token() -> str:
    # 32 random bytes (256 bits) in URL-safe base64: 43 characters.
    return secrets.token_urlsafe(32)


class Response(models.Model):
    """One unit's response (svar) to a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    # The campaign's named organisation the unit was counted under (the deepest one that
    # holds it): the row of progress and of the heat map.
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ResponseStatus.choices,
        default=ResponseStatus.NOT_STARTED,
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    respondents = models.JSONField(
        _("respondents' e-mail addresses"),
        default=list,
        blank=True,
        help_text=_("When empty, mail goes to the unit's functional mailbox."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.CharField(_("submitted by"), max_length=200, blank=True)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    # When the named head accepted the current submitted version; cleared when the response
    # is reopened or submitted again (a new version needs a new sign-off).
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["campaign", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="response_one_per_unit")
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="response_campaign_status")]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.unit_id}"

    @property
    def respondent_path(self) -> str:
        return f"/s/{self.token}"

    @property
    def respondent_url(self) -> str:
        return f"{settings.BASE_URL}{self.respondent_path}"

    @property
    def locked(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED

    @property
    def signed_off(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED and self.signed_off_at is not None


class Answer(models.Model):
    """The answer to one requirement. ``normalised`` is the score on 0–100 on the
    requirement's scale, stored at save time so that every figure of the summary is a plain
    AVG/COUNT in the database; null when the value has no score or none is chosen yet."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(_("answer"), max_length=50, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    normalised = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The colleague's assignment the current value was given through (delegation inside a
    # unit); null when the respondent or staff gave it.
    assignment = models.ForeignKey(
        "Assignment", null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "requirement"], name="answer_one_per_req")
        ]

    def __str__(self) -> str:
        return f"{self.requirement_id}={self.value}"


class Evidence(models.Model):
    """A file that supports an answer (a policy, a routine, minutes): stored once and never
    changed; a new revision is a new row that ``replaces`` the one before. Tied to the
    response and requirement rather than to the Answer row, which an emptied answer deletes.
    The bytes are in ``EvidenceContent`` (in the database, like every other file Jämlik
    keeps: each app server reads them, and the backup holds them)."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="evidence")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    diary_number = models.CharField(_("diary number"), max_length=200, blank=True)
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.CharField(_("uploaded by"), max_length=200)
    uploaded_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # The id of the revision that replaced this file, set by selectors.evidence from the
    # rows it read (not stored: ``replaced_by`` is the relation).
    successor_id: int | None = None

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["response", "requirement", "uploaded_at", "id"]
        indexes = [models.Index(fields=["response", "requirement"], name="evidence_answer")]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.requirement_id} r{self.revision}"


class EvidenceContent(models.Model):
    """The bytes of one evidence file, apart from its row so that lists never read them.
    In the database rather than on a server's disk: several app servers share it, and
    ``jamlik backup`` (pg_dump) keeps the files with the answers they support
    (docs/decisions/0028-evidence-files-in-the-database.md)."""

    evidence = models.OneToOneField(
        Evidence, on_delete=models.PROTECT, primary_key=True, related_name="stored_content"
    )
    content = models.BinaryField()

    def __str__(self) -> str:
        return f"content of evidence {self.pk}"


class ResponseVersion(models.Model):
    """What a unit submitted, kept unchanged: a submitted response is a public record
    (allmän handling). Reopening and submitting again adds a version, never changes one."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    submitted_at = models.DateTimeField()
    submitted_by = models.CharField(max_length=200)
    submitted_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # [{"requirement", "value", "label", "score", "comment", "evidence"?}] in framework order;
    # "evidence" (the current files, services.evidence.evidence_snapshot) when there are any.
    answers = models.JSONField(default=list)

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["response", "number"]
        constraints = [
            models.UniqueConstraint(fields=["response", "number"], name="response_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.response_id} v{self.number}"


class SignOffDecision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")


class SignOff(models.Model):
    """A named head's (förvaltningschef, VD) judgement of one submitted version: accepted,
    or sent back with a comment, which reopens the response. Never changed: each sign-off
    is a new row, so the history stays."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="signoffs")
    version = models.ForeignKey(
        ResponseVersion,
        verbose_name=_("submitted version"),
        on_delete=models.PROTECT,
        related_name="signoffs",
    )
    decision = models.CharField(_("decision"), max_length=20, choices=SignOffDecision.choices)
    comment = models.TextField(_("comment"), blank=True)
    # The head may have no account: their name and title are typed; the user who recorded
    # the sign-off is kept beside them.
    signed_by_name = models.CharField(_("signed by"), max_length=200)
    signed_by_title = models.CharField(_("title"), max_length=200)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        ordering = ["response", "signed_at", "id"]
        constraints = [
            # One judgement per submitted version: a resubmission is a new version.
            models.UniqueConstraint(fields=["version"], name="signoff_one_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.decision}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", pgettext_lazy("action status", "Cancelled")


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class Action(models.Model):
    """An action (åtgärd) an organisation or unit takes on a requirement: what, who, by
    when, and how far it has come."""

    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requirement_key = models.CharField(_("requirement"), max_length=100, db_index=True)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.CharField(_("owner"), max_length=200)
    due = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status in OPEN_ACTION_STATUSES and self.due < today


class Assignment(models.Model):
    """Requirements of a response handed to a colleague of the unit (delegation): their own
    link answers just those, while the response is open, until withdrawn
    (docs/rules.md#assessments-assignments)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="assignments")
    email = models.EmailField(_("e-mail address"), max_length=254)
    name = models.CharField(_("name"), max_length=200, blank=True)
    # Requirement keys (stable across framework versions), in framework order.
    requirement_keys = models.JSONField(_("requirements"), default=list)
    token = models.CharField(max_length=64, unique=True, default=secret_token, editable=False)
    language = models.CharField(_("language of the e-mail"), max_length=5, default="sv")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    last_answered_at = models.DateTimeField(_("last answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["response", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.email}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    @property
    def path(self) -> str:
        return f"/s/a/{self.token}"

    @property
    def url(self) -> str:
        return f"{settings.BASE_URL}{self.path}"
