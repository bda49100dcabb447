"""Events (konferenser och workshoppar): the event, its programme, the allocation of seats per
organisation (platsfördelning), the organisations' registration links and the registrations.

The rules that decide seats live in ``services``; this module holds the data, the invariants a
single row can state (constraints) and small properties. Seat counters on Event, Allocation
and Session are kept by the services inside the locked transaction of every seat decision, and
are always re-derivable from the registration rows (``selectors.seat_counts_from_rows``).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jamlik.events import clock

if TYPE_CHECKING:
    from jamlik.orgs.models import Organisation


def new_token() -> str:
    """An unguessable token for a link: 24 random bytes, 192 bits, 32 URL-safe characters."""
    return secrets.token_urlsafe(24)


def registered_now():
    """When a registration is made: the events app's clock, so that a replayed event (the
    demo) and tests that move time date registrations like the rest of their story."""
    return clock.now()


def default_unused_seat_reminder_days() -> list[int]:
    """When the unused seats of an allocation are chased: 7 and 2 days before the release."""
    return [7, 2]


def new_checkin_code() -> str:
    """The code in the confirmation's QR image: 12 random bytes, 96 bits."""
    return secrets.token_urlsafe(12)


class Category(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    ELECTED = "elected", _("Elected representative")
    PARTNER = "partner", _("Partner or external")


class EventKind(models.TextChoices):
    CONFERENCE = "conference", _("Conference")
    WORKSHOP = "workshop", _("Workshop")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", pgettext_lazy("event status", "Closed")
    ARCHIVED = "archived", _("Archived")


class Status(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    PENDING_APPROVAL = "pending_approval", _("Waiting for approval")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Approval expired")
    TRANSFERRED = "transferred", _("Transferred")
    # A freed seat held for someone from the waiting list until they claim it or the claim
    # window (Event.waitlist_offer_hours) ends (docs/rules.md#waiting-list-offers).
    OFFERED = "offered", _("Seat offered")


ACTIVE_STATUSES = (Status.CONFIRMED, Status.PENDING_APPROVAL, Status.OFFERED, Status.WAITING)
# Statuses that hold a seat; the "held" ones are counted in held_count.
SEAT_STATUSES = (Status.CONFIRMED, Status.PENDING_APPROVAL, Status.OFFERED)
HELD_STATUSES = (Status.PENDING_APPROVAL, Status.OFFERED)


class Participation(models.TextChoices):
    """How a registrant takes part in a hybrid event (docs/rules.md#events-hybrid)."""

    ON_SITE = "on_site", _("On site")
    ONLINE = "online", _("Online")


class Event(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"))
    opens_at = models.DateTimeField(_("registration opens at"), null=True, blank=True)
    quota_lock_until = models.DateTimeField(
        _("seats allocated until"),
        null=True,
        blank=True,
        help_text=_("Until this moment each allocation's quota binds; then all seats are free."),
    )
    closes_at = models.DateTimeField(_("registration closes at"), null=True, blank=True)
    categories = models.JSONField(_("categories"), default=list)
    approval_required = models.BooleanField(_("manager's approval required"), default=False)
    approval_hold_hours = models.PositiveIntegerField(_("approval hold (hours)"), default=72)
    waitlist_enabled = models.BooleanField(_("waiting list"), default=True)
    # Only named invitations register (events.invitations): links and the public page refuse.
    invitation_only = models.BooleanField(_("by invitation only"), default=False)
    # None: a freed seat goes to the first person waiting at once (the default). Hours: after
    # the release it is offered to them for this long, and passes on if not claimed.
    waitlist_offer_hours = models.PositiveIntegerField(
        _("claim window for offered seats (hours)"),
        null=True,
        blank=True,
        help_text=_(
            "Empty: a freed seat goes to the first person waiting at once. A number: after the "
            "release the seat is offered to them for that many hours and passes on if they do "
            "not claim it."
        ),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=EventKind.choices, default=EventKind.CONFERENCE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    contact_email = models.EmailField(_("organiser's e-mail"), max_length=254, blank=True)
    # Days before the release (quota_lock_until) on which the organisations of an allocation
    # with unused seats are reminded (services.radar); [] for none.
    unused_seat_reminder_days = models.JSONField(
        _("reminders of unused seats (days before the release)"),
        default=default_unused_seat_reminder_days,
        blank=True,
    )
    # Days after the event's end when the participants' dietary and accessibility needs
    # (RegistrationNeeds) are erased: sooner than the registration itself (docs/rules.md).
    needs_erase_after_days = models.PositiveIntegerField(
        _("erase dietary and accessibility needs (days after the event)"), default=14
    )
    # Seat counters (confirmed, held = pending approval or offered, waiting), kept under the
    # event lock.
    confirmed_count = models.PositiveIntegerField(default=0, editable=False)
    held_count = models.PositiveIntegerField(default=0, editable=False)
    waiting_count = models.PositiveIntegerField(default=0, editable=False)
    # Hybrid events (docs/rules.md#events-hybrid): the online seats, a capacity of their own
    # outside the quotas (None: no online participation), their counters kept like the ones
    # above (which count on-site seats only), and the meeting link shown to the confirmed.
    online_capacity = models.PositiveIntegerField(
        _("online seats"),
        null=True,
        blank=True,
        help_text=_("Empty: no online participation."),
    )
    online_confirmed_count = models.PositiveIntegerField(default=0, editable=False)
    online_held_count = models.PositiveIntegerField(default=0, editable=False)
    online_waiting_count = models.PositiveIntegerField(default=0, editable=False)
    meeting_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    # When the waiting list was served at the release (quota_lock_until); None until then.
    released_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:  # selected by a raw query in selectors, not a column
        link_organisation_id: int

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=models.F("confirmed_count") + models.F("held_count")),
                name="event_seats_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(online_capacity__isnull=True)
                | Q(
                    online_capacity__gte=models.F("online_confirmed_count")
                    + models.F("online_held_count")
                ),
                name="event_online_seats_within_capacity",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def taken(self) -> int:
        return self.confirmed_count + self.held_count

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.taken)


class Session(models.Model):
    """A programme item. Sessions whose times overlap are in the same time slot (parallel
    tracks): a participant picks at most one of them."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    speakers = models.CharField(_("speakers"), max_length=1000, blank=True)
    room = models.CharField(_("room"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit of its own.")
    )
    meeting_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    # Confirmed and held registrations that chose the session, kept under the event lock.
    taken_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "ends_at", "room", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.taken_count)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.taken_count >= self.capacity

    def overlaps(self, other: Session) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


class Allocation(models.Model):
    """A named set of organisations sharing a quota of seats until the release date."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="allocations")
    name = models.CharField(_("name"), max_length=200)
    quota = models.PositiveIntegerField(_("quota"))
    organisations: models.ManyToManyField[Organisation, AllocationMember] = models.ManyToManyField(
        "orgs.Organisation",
        through="AllocationMember",
        related_name="event_allocations",
        verbose_name=_("organisations"),
    )
    confirmed_count = models.PositiveIntegerField(default=0, editable=False)
    held_count = models.PositiveIntegerField(default=0, editable=False)
    waiting_count = models.PositiveIntegerField(default=0, editable=False)

    if TYPE_CHECKING:  # selected by a raw query in services.seats, not a column
        member_id: int

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def taken(self) -> int:
        return self.confirmed_count + self.held_count

    @property
    def free(self) -> int:
        return max(0, self.quota - self.taken)


class AllocationMember(models.Model):
    """An organisation in an allocation; ``event`` is repeated so that an organisation can be in
    at most one allocation per event (a constraint, not only a check)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="allocation_memberships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organisation"], name="allocation_member_one_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.allocation_id}/{self.organisation_id}"


class OrganisationLink(models.Model):
    """An organisation's own registration link for an event (``/r/<token>``)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="links")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="event_links"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration link")
        verbose_name_plural = _("registration links")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organisation"],
                condition=Q(revoked_at__isnull=True),
                name="link_one_active_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.organisation_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    # None for an external participant registering through the public event page.
    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_registrations",
    )
    # The allocation the registration counted against when it was made (a snapshot: moving the
    # organisation later does not move the seat).
    allocation = models.ForeignKey(
        Allocation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    # Dietary and accessibility needs live in RegistrationNeeds (erased sooner); the
    # ``dietary`` and ``accessibility`` properties below read and write them.
    manager_email = models.EmailField(_("manager's e-mail"), max_length=254, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    manage_token = models.CharField(max_length=64, unique=True, default=new_token)
    approval_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    checkin_code = models.CharField(max_length=32, unique=True, default=new_checkin_code)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    sessions = models.ManyToManyField(Session, blank=True, related_name="registrations")
    created_at = models.DateTimeField(default=registered_now, editable=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    transferred_to = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="transferred_from"
    )
    language = models.CharField(max_length=10, default="sv")
    # The ``identity.person.Person.key`` ("issuer|subject") of the employee who registered
    # signed in through the directory; "" for a registration typed without signing in.
    # "Mina anmälningar" lists by it; anonymising clears it.
    person_key = models.CharField(max_length=800, blank=True, default="", db_index=True)
    # On site or online (hybrid events only; docs/rules.md#events-hybrid).
    participation = models.CharField(
        _("participation"), max_length=10, choices=Participation.choices, default="on_site"
    )
    # "Skyddade personuppgifter": the person is left out of every list, badge and export that
    # names people, except for city coordinators and administrators (selectors._common).
    protected_identity = models.BooleanField(_("protected personal data"), default=False)

    if TYPE_CHECKING:  # set on instances by selectors.with_positions, not a column
        position: int | None

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            # One active registration per address and event. The duplicate check in the
            # services repeats this condition word for word so the planner uses this index.
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=Q(status__in=["confirmed", "pending_approval", "offered", "waiting"]),
                name="registration_one_active_per_email",
            ),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(waiting_since__isnull=False),
                name="registration_waiting_has_since",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["pending_approval", "offered"])
                | Q(hold_expires_at__isnull=False),
                name="registration_hold_has_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "waiting_since", "id"], name="reg_queue"),
            models.Index(fields=["status", "hold_expires_at"], name="reg_holds"),
            models.Index(fields=["event", "organisation"], name="reg_event_org"),
            # The duplicate check by address: a plain index too, because a prepared (generic)
            # plan cannot prove the partial unique index's status condition.
            models.Index("event", Lower("email"), name="reg_event_email"),
        ]

    def __str__(self) -> str:
        # No personal data: this text goes into the audit log.
        return f"#{self.pk} ({self.status})"

    # The needs set through the properties are saved with the registration.
    def save(self, *args: Any, **kwargs: Any) -> None:
        new = self._state.adding
        super().save(*args, **kwargs)
        self._store_needs(new=new)

    def insert(self) -> None:
        """``save()`` of a new registration in one statement built once
        (``core.sql.insert``): the seat decision's path."""
        from jamlik.core.sql import insert

        insert(self)
        self._store_needs(new=True)

    def _store_needs(self, *, new: bool) -> None:
        pending = self.__dict__.pop("_pending_needs", None)
        if pending:
            RegistrationNeeds.store(self, new=new, **pending)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_STATUSES

    @property
    def is_online(self) -> bool:
        return self.participation == "online"

    # ---- Needs, stored apart (RegistrationNeeds) -------------------------------------------
    # Written through the properties (also as constructor keywords: Django's Model.__init__
    # sets properties) and saved with the registration, so callers keep one object.

    def _needs_value(self, field: str) -> str:
        pending = self.__dict__.get("_pending_needs")
        if pending is not None and field in pending:
            return str(pending[field])
        if self.pk is None:
            return ""
        try:
            needs = self.needs
        except models.ObjectDoesNotExist:
            return ""
        return str(getattr(needs, field))

    def _needs_set(self, field: str, value: str) -> None:
        self.__dict__.setdefault("_pending_needs", {})[field] = value or ""

    @property
    def dietary(self) -> str:
        return self._needs_value("dietary")

    @dietary.setter
    def dietary(self, value: str) -> None:
        self._needs_set("dietary", value)

    @property
    def accessibility(self) -> str:
        return self._needs_value("accessibility")

    @accessibility.setter
    def accessibility(self, value: str) -> None:
        self._needs_set("accessibility", value)


class RegistrationNeeds(models.Model):
    """A registration's dietary and accessibility needs, kept apart from it: erased
    ``Event.needs_erase_after_days`` after the event (services.privacy), long before the
    registration is anonymised; organisers see counts per need, city coordinators who."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="needs", primary_key=True
    )
    dietary = models.TextField(_("dietary needs"), blank=True)
    accessibility = models.TextField(_("accessibility needs"), blank=True)

    class Meta:
        verbose_name = _("dietary and accessibility needs")
        verbose_name_plural = _("dietary and accessibility needs")

    def __str__(self) -> str:
        return f"needs #{self.pk}"

    @classmethod
    def store(cls, registration: Registration, *, new: bool = False, **values: str) -> None:
        """Write the needs given (``dietary``, ``accessibility``); no row when both are
        empty, so only registrations that state a need have one. ``new``: the registration
        was just inserted (one INSERT at most, no look-up)."""
        if new:
            if any(values.values()):
                registration._state.fields_cache["needs"] = cls.objects.create(
                    registration=registration,
                    dietary=values.get("dietary", ""),
                    accessibility=values.get("accessibility", ""),
                )
            else:
                registration._state.fields_cache["needs"] = None  # known: none
            return
        existing = cls.objects.filter(registration=registration).first()
        current = {"dietary": "", "accessibility": ""}
        if existing is not None:
            current = {"dietary": existing.dietary, "accessibility": existing.accessibility}
        current.update({k: v or "" for k, v in values.items() if k in current})
        if not any(current.values()):
            if existing is not None:
                existing.delete()
            registration._state.fields_cache.pop("needs", None)
            return
        needs, _created = cls.objects.update_or_create(registration=registration, defaults=current)
        registration._state.fields_cache["needs"] = needs


class EventMessage(models.Model):
    """A message from the organiser to the event's participants."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="messages")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    statuses = models.JSONField(default=list)
    recipients = models.PositiveIntegerField(default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message to participants")
        verbose_name_plural = _("messages to participants")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class UnusedSeatReminder(models.Model):
    """A reminder of an allocation's unused seats, ``days_before`` the release: one row each,
    inserted in the transaction that queues its mail, so it goes out once (services.radar)."""

    allocation = models.ForeignKey(
        Allocation, on_delete=models.CASCADE, related_name="unused_seat_reminders"
    )
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()
    # The unused seats the reminder named.
    unused = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reminder of unused seats")
        verbose_name_plural = _("reminders of unused seats")
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "days_before"], name="unused_seat_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.allocation_id}/{self.days_before}"


# ---- After the event: the evaluation (docs/rules.md#events-evaluation) ----------------------------


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Scale 1–5")
    YES_NO = "yes_no", _("Yes or no")
    TEXT = "text", _("Free text")


class Evaluation(models.Model):
    """The organiser's questions to those who came, mailed after the event's end (the tick,
    or the organiser's "send now") with a personal link each (``EvaluationInvite``)."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="evaluation")
    intro = models.TextField(_("introduction"), blank=True)
    # Whether the tick mails the invitations once the event has ended.
    auto_send = models.BooleanField(_("send automatically after the event"), default=True)
    # When the invitations first went out; the questions no longer change after it.
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.event_id}"


class EvaluationQuestion(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    required = models.BooleanField(_("answer required"), default=False)

    class Meta:
        verbose_name = _("evaluation question")
        verbose_name_plural = _("evaluation questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class EvaluationInvite(models.Model):
    """Who was asked, and whether they answered: the only row that knows the person. Its
    answers are stored without it (``EvaluationAnswer``), so nobody can tell who said what."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="invites")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="evaluation_invites"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    sent_at = models.DateTimeField()
    # No time of answering: a time next to the answers' order would point at the person.
    answered = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("evaluation invitation")
        verbose_name_plural = _("evaluation invitations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "registration"], name="evaluation_invite_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id}/{self.registration_id}"


class EvaluationAnswer(models.Model):
    """One answer to one question. Deliberately no link to the invite, the registration or
    the other answers of the same person, and only the date (not the time) it was given."""

    question = models.ForeignKey(
        EvaluationQuestion, on_delete=models.CASCADE, related_name="answers"
    )
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    yes = models.BooleanField(null=True, blank=True)
    text = models.TextField(blank=True)
    answered_on = models.DateField()

    class Meta:
        verbose_name = _("evaluation answer")
        verbose_name_plural = _("evaluation answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | Q(scale__gte=1, scale__lte=5),
                name="evaluation_answer_scale_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}"


class InvitationStatus(models.TextChoices):
    INVITED = "invited", pgettext_lazy("invitation status", "Invited")
    REGISTERED = "registered", pgettext_lazy("invitation status", "Registered")
    DECLINED = "declined", pgettext_lazy("invitation status", "Declined")


def new_invitation_token() -> str:
    from jamlik.core.models import secret_token

    return secret_token()


class Invitation(models.Model):
    """A named invitation to an event (a workshop, a closed meeting): bound to one address.
    Whoever opens its link registers that address, never another (services.invitations)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"), max_length=254)
    name = models.CharField(_("name"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_invitations",
    )
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InvitationStatus.choices,
        default=InvitationStatus.INVITED,
    )
    registration = models.ForeignKey(
        Registration,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )
    language = models.CharField(max_length=10, default="sv")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(default=registered_now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint("event", Lower("email"), name="invitation_one_per_email"),
        ]
        indexes = [
            models.Index(fields=["event", "organisation"], name="invitation_event_org"),
            models.Index(fields=["event", "status"], name="invitation_event_status"),
        ]

    def __str__(self) -> str:
        # No personal data: this text goes into the audit log.
        return f"#{self.pk} ({self.status})"
