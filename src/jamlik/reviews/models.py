"""In-depth reviews (strategisk fördjupning): the review and its milestones, the workshop's
breakout groups and their notes, good examples and the report for the city board.

The review ties the other two areas together: it names the self-assessment campaign(s) it
deepens and the workshop event(s) where HR specialists met in small mixed groups. Everything
that changes state goes through ``services``; this module holds fields, constraints and
single-row properties only.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from jamlik.events.models import Registration

# A milestone is "due soon" this many days before its due date (inclusive).
DUE_SOON_DAYS = 14


class MilestoneStatus(models.TextChoices):
    UPCOMING = "upcoming", pgettext_lazy("milestone status", "Upcoming")
    DUE_SOON = "due_soon", pgettext_lazy("milestone status", "Due soon")
    OVERDUE = "overdue", pgettext_lazy("milestone status", "Overdue")
    DONE = "done", pgettext_lazy("milestone status", "Done")


def milestone_status(
    *, due: dt.date, done: bool, today: dt.date | None = None, soon_days: int = DUE_SOON_DAYS
) -> str:
    """The status of a milestone on ``today`` (Stockholm's date unless given).

    Done wins; otherwise a due date before today is overdue, one within ``soon_days`` days
    (today included) is due soon, and anything later is upcoming.
    """
    if done:
        return MilestoneStatus.DONE
    today = today or timezone.localdate()
    if due < today:
        return MilestoneStatus.OVERDUE
    if (due - today).days <= soon_days:
        return MilestoneStatus.DUE_SOON
    return MilestoneStatus.UPCOMING


class Review(models.Model):
    """A strategic in-depth review (strategisk fördjupning) of one or more campaigns."""

    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    campaigns = models.ManyToManyField(
        "assessments.Campaign",
        verbose_name=_("campaigns"),
        blank=True,
        related_name="reviews",
    )
    workshops = models.ManyToManyField(
        "events.Event",
        verbose_name=_("workshops"),
        blank=True,
        related_name="reviews",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_reviews",
    )
    committee = models.CharField(_("committee"), max_length=200, blank=True)
    diary_number = models.CharField(_("diary number"), max_length=50, blank=True)
    case_officer = models.CharField(_("case officer"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:  # set on instances by views.review_list, not columns
        next_milestone: Milestone | None
        done_count: int
        milestone_count: int

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    """A point on the review's timeline (tidplan), e.g. the workshop or the report draft."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    due = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done=False) | models.Q(done_at__isnull=False),
                name="milestone_done_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def status_on(self, today: dt.date | None = None, soon_days: int = DUE_SOON_DAYS) -> str:
        return milestone_status(due=self.due, done=self.done, today=today, soon_days=soon_days)

    @property
    def status(self) -> str:
        return self.status_on()

    def get_status_display(self) -> str:
        return str(MilestoneStatus(self.status).label)


class MilestoneReminder(models.Model):
    """A reminder sent to the review's owner ``days_before`` a milestone's due date; the
    unique constraint makes it at most once per milestone and threshold."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    due = models.DateField()  # the due date the reminder was about
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "days_before", "due"], name="milestone_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.milestone_id} −{self.days_before}d"


class Breakout(models.Model):
    """A small group (grupp) of a workshop's confirmed participants."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="breakouts")
    number = models.PositiveSmallIntegerField(_("number"))
    # How the groups were formed, so the same groups can be formed again.
    size = models.PositiveSmallIntegerField(_("group size"))
    seed = models.BigIntegerField(_("seed"))
    members: models.ManyToManyField[Registration, BreakoutMember] = models.ManyToManyField(
        "events.Registration",
        through="BreakoutMember",
        related_name="breakouts",
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:  # set on instances by views and services, not columns
        hidden: int
        member_ids: list[int]

    class Meta:
        verbose_name = _("breakout group")
        verbose_name_plural = _("breakout groups")
        ordering = ["event", "number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="breakout_number_per_event")
        ]

    def __str__(self) -> str:
        return str(_("Group %(number)s") % {"number": self.number})


class BreakoutMember(models.Model):
    """A participant in a group. ``event`` is repeated so that a registration can be in at
    most one group of its event, as a constraint rather than a check."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    breakout = models.ForeignKey(Breakout, on_delete=models.CASCADE, related_name="memberships")
    registration = models.ForeignKey(
        "events.Registration", on_delete=models.CASCADE, related_name="breakout_memberships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "registration"], name="breakout_member_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.breakout_id}/{self.registration_id}"


class BreakoutNotes(models.Model):
    """What one group talked about (gruppens anteckningar)."""

    breakout = models.OneToOneField(Breakout, on_delete=models.CASCADE, related_name="notes")
    shared = models.TextField(_("what was shared"), blank=True)
    questions = models.TextField(_("questions raised"), blank=True)
    wishes = models.TextField(_("wishes for joint city-wide efforts"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("group notes")
        verbose_name_plural = _("group notes")

    def __str__(self) -> str:
        return str(self.breakout)

    @property
    def is_empty(self) -> bool:
        return not (self.shared or self.questions or self.wishes)


class GoodExample(models.Model):
    """A good example (gott exempel): how one organisation meets a requirement, written so
    others can learn from it."""

    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="good_examples",
    )
    # Requirement keys of the frameworks (stable across versions), e.g. "dl-3-6-riktlinjer".
    requirement_keys = models.JSONField(_("requirements"), default=list, blank=True)
    review = models.ForeignKey(
        Review,
        verbose_name=_("review"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="examples",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:  # set on instances by views.example_list, not a column
        requirement_labels: list[tuple[str, str]]

    class Meta:
        verbose_name = _("good example")
        verbose_name_plural = _("good examples")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ReportType(models.TextChoices):
    """What the board report is to the committee: a matter for decision, or information."""

    OFFICIAL = (
        "tjansteutlatande",
        pgettext_lazy("board report", "Official report (tjänsteutlåtande)"),
    )
    INFORMATION = (
        "information",
        pgettext_lazy("board report", "Information to the committee (TN-information)"),
    )


# The most signatories a board report has (the notice is signed by two, at most three).
MAX_SIGNATORIES = 3
CASE_OFFICER_PHONE_MAX = 40


class BoardReport(models.Model):
    """The report draft for the city board, laid out as a committee matter
    (tjänsteutlåtande): narrative sections plus the matter's own fields."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="report")
    # Narrative sections.
    summary = models.TextField(_("summary"), blank=True)
    method = models.TextField(_("method"), blank=True)
    results = models.TextField(_("results"), blank=True)
    workshop_lessons = models.TextField(_("lessons from the workshop"), blank=True)
    joint_efforts = models.TextField(_("proposed joint efforts"), blank=True)
    proposed_decision = models.TextField(_("proposed decision"), blank=True)
    # The matter (ärendet).
    committee = models.CharField(_("committee"), max_length=200, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    diary_number = models.CharField(_("diary number"), max_length=50, blank=True)
    case_officer = models.CharField(_("case officer"), max_length=200, blank=True)
    case_officer_phone = models.CharField(
        _("case officer's phone"), max_length=CASE_OFFICER_PHONE_MAX, blank=True
    )
    case_officer_email = models.EmailField(_("case officer's e-mail"), blank=True)
    report_type = models.CharField(
        _("report type"), max_length=20, choices=ReportType.choices, default=ReportType.OFFICIAL
    )
    # [{"name": "Eva Jansson", "title": "Direktör"}, …], at most MAX_SIGNATORIES, in the
    # order they sign (the rules are the input model's, reviews/inputs.py).
    signatories = models.JSONField(_("signatories"), default=list, blank=True)
    economic_assessment = models.TextField(_("economic dimension"), blank=True)
    ecological_assessment = models.TextField(_("ecological dimension"), blank=True)
    social_assessment = models.TextField(_("social dimension"), blank=True)
    cooperation = models.TextField(_("cooperation with the unions (samverkan)"), blank=True)
    appendices = models.TextField(_("appendices"), blank=True, help_text=_("One per line."))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("board report")
        verbose_name_plural = _("board reports")

    def __str__(self) -> str:
        return str(self.review)

    @property
    def appendix_list(self) -> list[str]:
        return [line.strip() for line in self.appendices.splitlines() if line.strip()]


class Documentation(models.Model):
    """The yearly written documentation of an employer's active measures (Diskrimineringslagen
    3 kap. 13 §) for one organisation and year. Its text lives in immutable versions: each
    save adds one, so what was documented on a day can always be shown again."""

    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("yearly documentation")
        verbose_name_plural = _("yearly documentation")
        ordering = ["-year", "organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="documentation_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}"


class DocumentationVersion(models.Model):
    """One saved version of the documentation: its sections as written, the named author,
    when. Never changed once saved (``save`` refuses an update)."""

    documentation = models.ForeignKey(
        Documentation, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    # {section key: text}; the keys are those of reviews/documentation.py SECTIONS.
    sections = models.JSONField(_("sections"), default=dict)
    author = models.CharField(_("author"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("documentation version")
        verbose_name_plural = _("documentation versions")
        ordering = ["documentation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["documentation", "number"], name="documentation_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.documentation} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A version is a record of what was documented: a change is a new version.
        if not self._state.adding:
            raise ValueError("A documentation version is immutable; save a new one.")
        super().save(*args, **kwargs)
