"""Forms of the events pages. They parse and show errors; the rules live in the input models
of ``events/inputs.py`` and the services, whose failures the views put back on the form
(``add_rule_error``). The organiser forms hold no bounds of their own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jamlik.core import validation
from jamlik.core.forms import (
    AccessibleFormMixin,
    EmailField,
    TextField,
    choice_field,
    model_choice_field,
)
from jamlik.events import hybrid
from jamlik.events.inputs import (
    DEFAULT_HOLD_HOURS,
    SPEAKERS_MAX,
    AllocationIn,
    EventIn,
    LostLinkRequest,
    MessageIn,
    RegistrationIn,
    SessionIn,
    TransferIn,
)
from jamlik.events.models import Category, EventKind, EventStatus, Status
from jamlik.events.selectors import TimeSlot
from jamlik.identity.person import Person
from jamlik.orgs.models import Kind, Organisation

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
EXTERNAL = "external"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_INPUT, **kwargs)


def datetime_field(label: Any, *, required: bool = True, help_text: Any = "") -> Any:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateTimeInput(),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


class DaysField(forms.CharField):
    """Whole numbers separated by commas ("7,2") as a list; the bounds are the input model's."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ",".join(str(day) for day in value)
        return value

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value) or ""
        parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        if not all(part.isascii() and part.isdigit() and len(part) <= 4 for part in parts):
            raise ValidationError(_("Enter whole numbers separated by commas, e.g. 7,2."))
        return [int(part) for part in parts]


# ---- Public forms ------------------------------------------------------------------------------


class SessionChoiceMixin:
    """One radio group per time slot (``slot_<id>``); a full session cannot be picked (the
    page disables it and the service refuses it)."""

    def add_slot_fields(self, slots: list[TimeSlot], chosen: set[int] | None = None) -> None:
        self.slots = slots
        for slot in slots:
            initial = next((str(s.pk) for s in slot.sessions if chosen and s.pk in chosen), "")
            if chosen is None and len(slot.sessions) == 1 and not slot.sessions[0].is_full:
                # A new registration: a slot with one session (a plenary) is booked unless
                # the person opts out, not left out unless they opt in.
                initial = str(slot.sessions[0].pk)
            self.fields[slot.key] = forms.ChoiceField(  # type: ignore[attr-defined]
                label=_("Session"),
                required=False,
                choices=[("", _("No session in this time slot"))]
                + [(str(s.pk), s.title) for s in slot.sessions],
                initial=initial,
            )

    def chosen_session_ids(self) -> list[int]:
        data = self.cleaned_data  # type: ignore[attr-defined]
        return [int(data[slot.key]) for slot in self.slots if data.get(slot.key)]

    def slot_rows(self) -> list[dict[str, Any]]:
        """What the template needs to draw each slot's fieldset."""
        rows = []
        for slot in self.slots:
            bound = self[slot.key]  # type: ignore[index]
            value = str(bound.value() or "")
            rows.append(
                {
                    "slot": slot,
                    "name": bound.html_name,
                    "id": bound.auto_id,
                    "value": value,
                    "errors": bound.errors,
                }
            )
        return rows


ACCESSIBILITY_NEEDS = [
    ("interpreter", _("Sign language interpreter")),
    ("hearing_loop", _("Hearing loop")),
    ("text_interpreter", _("Speech-to-text interpreter")),
]


def participation_choices(event: Any, *, online_only: bool = False) -> list[tuple[str, str]]:
    """Hybrid: on site or online, the online choice with the online seats left (or that a
    registration now goes to the waiting list, or that none is left). ``online_only``: the
    seats on site are gone (``decisions.ONLINE_ONLY``), so online is the one choice."""
    free = hybrid.online_room(event).free
    if free > 0:
        online = str(_("Online (%(n)s seats left)")) % {"n": free}
    elif event.waitlist_enabled:
        online = str(_("Online (full: waiting list)"))
    else:
        online = str(_("Online (full)"))
    if online_only:
        return [("online", online)]
    return [("on_site", str(_("On site"))), ("online", online)]


class RegistrationForm(SessionChoiceMixin, AccessibleFormMixin, forms.Form):
    input_model = RegistrationIn

    organisation = forms.ChoiceField(label=_("Organisation"), choices=())
    name = TextField(label=_("Name"), widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = EmailField(label=_("Work e-mail"))
    category = forms.ChoiceField(label=_("I register as"), widget=forms.RadioSelect, choices=())
    title = TextField(
        label=_("Job title"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    dietary = TextField(
        label=_("Dietary needs"),
        required=False,
        multiline=True,
        max_length=validation.COMMENT_MAX,
        help_text=_("E.g. vegetarian, gluten-free, allergies."),
    )
    needs = forms.MultipleChoiceField(
        label=_("Accessibility needs"),
        required=False,
        choices=ACCESSIBILITY_NEEDS,
        widget=forms.CheckboxSelectMultiple,
    )
    accessibility = TextField(
        label=_("Other accessibility needs"),
        required=False,
        multiline=True,
        max_length=validation.COMMENT_MAX,
        help_text=_("Tell us what you need to take part on equal terms."),
    )
    manager_email = EmailField(
        label=_("Your manager's e-mail"),
        required=False,
        help_text=_("Your manager is asked to approve your registration."),
    )
    participation = forms.ChoiceField(  # hybrid events only
        label=_("I take part"),
        widget=forms.RadioSelect,
        choices=(),
        initial="on_site",
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my data is used for this event."),
        required=True,
        error_messages={"required": _("Please accept the privacy notice to register.")},
    )

    def __init__(
        self,
        *args: Any,
        event: Any,
        slots: list[TimeSlot],
        organisations: list[Organisation] | None = None,
        person: Person | None = None,
        online_only: bool = False,
        **kwargs: Any,
    ) -> None:
        """``person``: the employee signed in through the directory. Name and e-mail then
        come from their claims (no inputs), and so does the manager's e-mail when the claims
        carry one; the view passes ``organisations`` only when the claims name none.
        ``online_only``: a hybrid event whose seats on site are gone offers online alone."""
        super().__init__(*args, **kwargs)
        if person is not None:
            del self.fields["name"]
            del self.fields["email"]
        allowed = [c for c in Category.choices if c[0] in (event.categories or [])]
        choice_field(self, "category").choices = allowed
        if len(allowed) == 1:
            self.fields["category"].initial = allowed[0][0]
        if person is not None and Category.EMPLOYEE in (event.categories or []):
            del self.fields["category"]  # an employee, as the directory says (the service)
        if organisations is None:
            del self.fields["organisation"]
        else:
            choice_field(self, "organisation").choices = (
                [("", _("Choose your organisation"))]
                + [(str(o.pk), o.name) for o in organisations]
                + [(EXTERNAL, _("External or other organisation"))]
            )
            self._organisations = {str(o.pk): o for o in organisations}
        if event.approval_required and not (person is not None and person.manager_email):
            self.fields["manager_email"].required = True
        else:
            del self.fields["manager_email"]
        if hybrid.is_hybrid(event):
            choice_field(self, "participation").choices = participation_choices(
                event, online_only=online_only
            )
            if online_only:
                self.fields["participation"].initial = "online"
        else:
            del self.fields["participation"]
        self.add_slot_fields(slots)
        self._wire_descriptions()

    def clean_organisation(self) -> Organisation | None:
        value = self.cleaned_data.get("organisation")
        if value == EXTERNAL:
            return None
        organisation = self._organisations.get(value or "")
        if organisation is None:
            raise ValidationError(_("Choose your organisation."))
        return organisation

    def accessibility_text(self) -> str:
        labels = dict(ACCESSIBILITY_NEEDS)
        parts = [str(labels[n]) for n in self.cleaned_data.get("needs") or []]
        other = self.cleaned_data.get("accessibility") or ""
        if other:
            parts.append(other)
        return "; ".join(parts)

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data.get("name") or "",
            "email": data.get("email") or "",
            "category": data.get("category") or "",
            "title": data.get("title") or "",
            "dietary": data.get("dietary") or "",
            "accessibility": self.accessibility_text(),
            "manager_email": data.get("manager_email") or "",
            "sessions": self.chosen_session_ids(),
            "consent": bool(data.get("consent")),
            "participation": data.get("participation") or "on_site",
        }


class SessionsForm(SessionChoiceMixin, AccessibleFormMixin, forms.Form):
    def __init__(self, *args: Any, slots: list[TimeSlot], chosen: set[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.add_slot_fields(slots, chosen)


class TransferForm(AccessibleFormMixin, forms.Form):
    input_model = TransferIn

    name = TextField(label=_("Your colleague's name"))
    email = EmailField(label=_("Your colleague's work e-mail"))


class LostLinkForm(AccessibleFormMixin, forms.Form):
    input_model = LostLinkRequest

    email = EmailField(
        label=_("Your work e-mail"),
        help_text=_("If the address belongs to an organisation, we send its link there."),
    )


# ---- Organiser forms -----------------------------------------------------------------------------


class EventForm(AccessibleFormMixin, forms.Form):
    input_model = EventIn

    title = TextField(label=_("Title"))
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=EventStatus.choices,
        help_text=_("Only a published event takes registrations."),
    )
    description = TextField(
        label=_("Description"), required=False, multiline=True, max_length=validation.TEXT_MAX
    )
    venue = TextField(label=_("Venue"), required=False)
    starts_at = datetime_field(_("Starts at"))
    ends_at = datetime_field(_("Ends at"))
    capacity = forms.IntegerField(label=_("Capacity (seats)"))
    opens_at = datetime_field(_("Registration opens at"), required=False)
    quota_lock_until = datetime_field(
        _("Seats allocated per organisation until"),
        required=False,
        help_text=_(
            "Until this moment each allocation's quota binds; then all seats are free "
            "(the release date). Empty: no allocation phase."
        ),
    )
    closes_at = datetime_field(
        _("Registration closes at"), required=False, help_text=_("Empty: when the event starts.")
    )
    categories = forms.MultipleChoiceField(
        label=_("Who may register"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one category.")},
    )
    approval_required = forms.BooleanField(
        label=_("A manager must approve each registration"), required=False
    )
    approval_hold_hours = forms.IntegerField(
        label=_("Hours a seat is held while waiting for approval"), initial=DEFAULT_HOLD_HOURS
    )
    waitlist_enabled = forms.BooleanField(label=_("Waiting list"), required=False, initial=True)
    invitation_only = forms.BooleanField(
        label=_("By invitation only"),
        required=False,
        help_text=_(
            "Only people with a named invitation can register; links and the public page cannot."
        ),
    )
    waitlist_offer_hours = forms.IntegerField(
        label=_("Offer freed seats for (hours)"),
        required=False,
        min_value=1,
        help_text=_(
            "Empty: after the release a freed seat goes to the first person waiting at once. "
            "A number, e.g. 24: the seat is offered to them for that many hours and passes on "
            "to the next if they do not claim it."
        ),
    )
    contact_email = EmailField(label=_("Organiser's e-mail"), required=False)
    # Hybrid (docs/rules.md#events-hybrid).
    online_capacity = forms.IntegerField(
        label=_("Online seats"),
        required=False,
        min_value=0,
        help_text=_(
            "Empty: on site only. A number: people may also register to take part online, "
            "up to that many, outside the organisations' quotas."
        ),
    )
    meeting_url = TextField(
        label=_("Online meeting link"),
        required=False,
        max_length=500,
        help_text=_("A Teams link or another https:// address; shown to confirmed participants."),
    )
    unused_seat_reminder_days = DaysField(
        label=_("Reminders of unused seats"),
        required=False,
        initial=[7, 2],
        help_text=_(
            "Days before the release date on which the organisations of an allocation with "
            "unused seats are reminded, separated by commas. Empty: no reminders."
        ),
    )

    needs_erase_after_days = forms.IntegerField(
        label=_("Erase dietary and accessibility needs after (days)"),
        required=False,
        min_value=0,
        max_value=365,
        initial=14,
        help_text=_("Days after the event; the registrations themselves are kept longer."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = "unused_seat_reminder_days"
        # Not posted at all (a form of before the field): left as it is (a new event: the
        # default).
        if name in data and name not in self.data:
            del data[name]
        # Empty or not posted: left as it is (a new event: the default).
        if data.get("needs_erase_after_days") is None:
            data.pop("needs_erase_after_days", None)
        return data


class AllocationForm(AccessibleFormMixin, forms.Form):
    input_model = AllocationIn

    name = TextField(label=_("Name"))
    quota = forms.IntegerField(label=_("Quota (seats)"))
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one organisation.")},
    )

    def __init__(self, *args: Any, selected: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisations").queryset = Organisation.objects.filter(
            ~Q(kind=Kind.UNIT) | Q(pk__in=selected or [])
        ).order_by("name")

    def organisation_tree(self) -> list[OrganisationNode]:
        """The organisations' checkboxes nested by the organisation hierarchy (by ``path``):
        each under its nearest ancestor among the choices, roots and siblings by name. The
        checkboxes are the field's own, so the POST is the same as the flat list's."""
        nodes: dict[int, OrganisationNode] = {}
        for choice in self["organisations"]:
            organisation = choice.data["value"].instance
            nodes[organisation.pk] = OrganisationNode(organisation, choice)
        roots: list[OrganisationNode] = []
        for node in nodes.values():  # in the choices' order: by name
            ancestors = node.organisation.ancestor_ids[:-1]
            parent = next((nodes[pk] for pk in reversed(ancestors) if pk in nodes), None)
            (parent.children if parent is not None else roots).append(node)
        return roots


@dataclass
class OrganisationNode:
    """One organisation of ``AllocationForm.organisation_tree``: its checkbox and the
    organisations below it."""

    organisation: Organisation
    choice: Any  # the field's BoundWidget
    children: list[OrganisationNode] = field(default_factory=list)


class SessionForm(AccessibleFormMixin, forms.Form):
    input_model = SessionIn

    title = TextField(label=_("Title"))
    description = TextField(
        label=_("Description"), required=False, multiline=True, max_length=validation.TEXT_MAX
    )
    speakers = TextField(label=_("Speakers"), required=False, max_length=SPEAKERS_MAX)
    room = TextField(label=_("Room"), required=False)
    starts_at = datetime_field(_("Starts at"))
    ends_at = datetime_field(_("Ends at"))
    capacity = forms.IntegerField(
        label=_("Capacity"), required=False, help_text=_("Empty: no limit of its own.")
    )
    meeting_url = TextField(  # hybrid
        label=_("Online meeting link"),
        required=False,
        max_length=500,
        help_text=_("A Teams link or another https:// address; shown to confirmed participants."),
    )


class MessageForm(AccessibleFormMixin, forms.Form):
    input_model = MessageIn

    subject = TextField(label=_("Subject"))
    body = TextField(label=_("Message"), multiline=True, max_length=validation.TEXT_MAX)
    statuses = forms.MultipleChoiceField(
        label=_("Send to"),
        choices=[
            (Status.CONFIRMED, _("Confirmed participants")),
            (Status.PENDING_APPROVAL, _("Waiting for approval")),
            (Status.WAITING, _("On the waiting list")),
        ],
        initial=[Status.CONFIRMED],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one group.")},
    )


class RegistrationFilterForm(AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=200)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "status").choices = [("", _("All statuses")), *list(Status.choices)]
        choice_field(self, "organisation").choices = [("", _("All organisations"))] + [
            (str(o.pk), o.name) for o in organisations
        ]
        self.fields["q"].widget.attrs["type"] = "search"

    def clean_q(self) -> str:
        try:
            return validation.clean_text(self.cleaned_data.get("q") or "", required=False)
        except ValidationError:
            return ""


class CheckinSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=200)
    code = forms.CharField(label=_("Scanned code"), required=False, max_length=500)
