"""Forms of the assessment pages: campaigns, the unit's response, filters, actions and the
PDF report's cover page. The forms of writes only parse what the browser sends; the rules
are the input models' (``inputs.py``, docs/decisions/0022-input-models.md), whose failures
the views put back on the form (``add_rule_error``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jamlik.assessments.inputs import (
    MAX_RESPONDENTS,
    ActionInput,
    CampaignInput,
    InviteIn,
    ReopenIn,
    SubmitIn,
)
from jamlik.assessments.models import ActionStatus, Requirement, ResponseStatus
from jamlik.assessments.texts import localized
from jamlik.core import validation
from jamlik.core.errors import JamlikError
from jamlik.core.forms import AccessibleFormMixin, CheckedTextField, TextField, choice_field

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_INPUT)


def _datetime_field(label: Any, **kw: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
        **kw,
    )


class IdChoiceField(forms.TypedChoiceField):
    """A choice of an object by id whose choices the view gives: unknown ids are a form
    error, never a query."""

    def __init__(self, **kw: Any) -> None:
        kw.setdefault("coerce", int)
        kw.setdefault("empty_value", None)
        kw.setdefault("required", False)
        super().__init__(**kw)


# ---- Campaigns ---------------------------------------------------------------------------


class CampaignForm(AccessibleFormMixin, forms.Form):
    input_model = CampaignInput

    title = TextField(label=_("Title"), help_text=_("E.g. Självskattning arbetsmiljö 2025"))
    framework = forms.TypedChoiceField(label=_("Framework version"), coerce=int)
    organisations = forms.TypedMultipleChoiceField(
        label=_("Organisations"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every unit under the chosen organisations answers once."),
    )
    opens_at = _datetime_field(_("Opens at"))
    closes_at = _datetime_field(_("Closes at"))
    reminder_interval_days = forms.IntegerField(
        label=_("Reminder interval (days)"),
        initial=7,
        help_text=_(
            "Units that have not submitted get at most one reminder per this many days; "
            "0 sends none."
        ),
    )

    def __init__(
        self,
        *args: Any,
        frameworks: Iterable[Any],
        organisations: Iterable[Any],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "framework").choices = [
            (f.pk, f"{localized(f, 'title')} ({f.version})") for f in frameworks
        ]
        choice_field(self, "organisations").choices = [
            (o.pk, f"{o.name} ({o.code})") for o in organisations
        ]
        if editing:
            # The scope and the framework of a campaign stay as created.
            for name in ("framework", "organisations"):
                self.fields[name].disabled = True
                self.fields[name].required = False
                self.fields[name].help_text = _("Fixed once the campaign is created.")


class ResponseFilterForm(AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ResponseStatus.choices],
    )
    organisation = IdChoiceField(label=_("Organisation"))

    def __init__(self, *args: Any, organisations: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "organisation").choices = [("", _("All organisations"))] + [
            (o.pk, o.name) for o in organisations
        ]


class InviteForm(AccessibleFormMixin, forms.Form):
    """Which organisations' units to invite (none chosen: all that have not submitted)."""

    input_model = InviteIn

    organisations = forms.TypedMultipleChoiceField(
        label=_("Only these organisations"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisations: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "organisations").choices = [(o.pk, o.name) for o in organisations]


class RespondentsForm(AccessibleFormMixin, forms.Form):
    """The e-mail addresses that get the unit's invitation and reminders."""

    respondents = forms.CharField(
        label=_("Respondents' e-mail addresses"),
        required=False,
        # Room for the most addresses the model takes; more text is not worth parsing.
        max_length=MAX_RESPONDENTS * (validation.EMAIL_MAX + 1),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One address per line. Left empty, mail goes to the unit's functional mailbox."
        ),
    )

    def emails(self) -> list[str]:
        raw = self.cleaned_data.get("respondents") or ""
        return [line.strip() for line in raw.replace(",", "\n").splitlines() if line.strip()]

    def add_rule_error(self, exc: JamlikError) -> None:
        # The model names an address by its place in the list (respondents.2): all are
        # typed in this one field.
        for item in exc.errors:
            if str(item["field"]).startswith("respondents."):
                item["field"] = "respondents"
        super().add_rule_error(exc)


class ReopenForm(AccessibleFormMixin, forms.Form):
    input_model = ReopenIn

    reason = TextField(
        label=_("Reason for reopening"),
        max_length=validation.COMMENT_MAX,
        multiline=True,
        required=False,
        help_text=_("Kept in the log with the earlier, submitted version."),
    )


# ---- Results -----------------------------------------------------------------------------


class ResultsFilterForm(AccessibleFormMixin, forms.Form):
    organisation = IdChoiceField(label=_("Organisation"))
    compare_to = IdChoiceField(label=_("Compare with"))

    def __init__(
        self,
        *args: Any,
        organisations: Iterable[Any],
        campaigns: Iterable[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "organisation").choices = [("", _("All organisations"))] + [
            (o.pk, o.name) for o in organisations
        ]
        choice_field(self, "compare_to").choices = [("", _("No comparison"))] + [
            (c.pk, c.title) for c in campaigns
        ]


class ReportForm(AccessibleFormMixin, forms.Form):
    """The cover page of the PDF report: what a committee matter (tjänsteutlåtande) needs."""

    committee = CheckedTextField(label=_("Committee"), required=False)
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    diary_number = CheckedTextField(label=_("Diary number"), max_length=100, required=False)
    case_officer = CheckedTextField(label=_("Case officer"), required=False)
    summary = CheckedTextField(
        label=_("Summary"),
        max_length=validation.TEXT_MAX,
        multiline=True,
        required=False,
        help_text=_("Left empty, the report writes a summary from the figures."),
    )
    organisation = IdChoiceField(widget=forms.HiddenInput)
    compare_to = IdChoiceField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        organisations: Iterable[Any] = (),
        campaigns: Iterable[Any] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "organisation").choices = [("", "")] + [
            (o.pk, o.pk) for o in organisations
        ]
        choice_field(self, "compare_to").choices = [("", "")] + [(c.pk, c.pk) for c in campaigns]


# ---- The unit's response -----------------------------------------------------------------


def value_name(key: str) -> str:
    return f"v-{key}"


def comment_name(key: str) -> str:
    return f"c-{key}"


class ResponseForm(AccessibleFormMixin, forms.Form):
    """One radio group and one comment per requirement of the framework."""

    def __init__(
        self,
        *args: Any,
        requirements: Sequence[Requirement],
        scales: dict[str, list[dict[str, Any]]],
        answers: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        answers = answers or {}
        initial = {}
        for key, answer in answers.items():
            initial[value_name(key)] = answer.value
            initial[comment_name(key)] = answer.comment
        super().__init__(*args, initial=initial, **kwargs)
        self.requirements = list(requirements)
        for requirement in self.requirements:
            options = scales.get(requirement.scale_name, [])
            self.fields[value_name(requirement.key)] = forms.ChoiceField(
                label=localized(requirement, "text"),
                required=False,
                choices=[(o["value"], localized(o, "label")) for o in options],
                widget=forms.RadioSelect,
            )
            self.fields[comment_name(requirement.key)] = TextField(
                label=_("Comment"),
                help_text=_("No names of individuals and no individual cases."),
                max_length=validation.COMMENT_MAX,
                multiline=True,
                required=False,
            )

    def answers(self) -> list[dict[str, str]]:
        """The items for ``answers_save`` (every requirement: PUT semantics per item)."""
        return [
            {
                "requirement": r.key,
                "value": self.cleaned_data.get(value_name(r.key)) or "",
                "comment": self.cleaned_data.get(comment_name(r.key)) or "",
            }
            for r in self.requirements
        ]

    def add_service_error(self, exc: JamlikError, items: Sequence[dict[str, Any]] = ()) -> None:
        """Place a service's errors on the fields they name: ``answers_save`` names items by
        index (``3.comment``), ``response_submit`` names requirements by key."""
        placed = False
        keys = {r.key for r in self.requirements}
        for error in exc.errors:
            name = str(error.get("field", ""))
            key, _dot, part = name.partition(".")
            target = None
            if key.isdigit() and int(key) < len(items):
                requirement = items[int(key)]["requirement"]
                target = comment_name(requirement) if part == "comment" else value_name(requirement)
            elif name in keys:
                target = value_name(name)
            if target in self.fields:
                self.add_error(target, str(error["message"]))
                placed = True
        if not placed:
            self.add_error(None, str(exc.message))
        self._wire_descriptions()


class SubmitForm(AccessibleFormMixin, forms.Form):
    input_model = SubmitIn

    submitted_by = TextField(
        label=_("Your name"),
        help_text=_("Recorded with the submitted version, which becomes a public record."),
    )

    def clean_submitted_by(self) -> str:
        # Only the page asks a respondent for a name (the API's is optional); the model
        # checks the text itself.
        value: str = self.cleaned_data["submitted_by"]
        if not value.strip():
            raise forms.ValidationError(_("This field cannot be blank."), code="required")
        return value


# ---- Actions -----------------------------------------------------------------------------


class ActionFilterForm(AccessibleFormMixin, forms.Form):
    organisation = IdChoiceField(label=_("Organisation"))
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *ActionStatus.choices]
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args: Any, organisations: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "organisation").choices = [("", _("All organisations"))] + [
            (o.pk, o.name) for o in organisations
        ]


def requirement_choices(frameworks: Iterable[Any]) -> list[tuple[str, Any]]:
    """Requirement keys grouped by framework and area, newest version first; a key appears
    once (keys are stable across versions)."""
    groups: list[tuple[str, Any]] = []
    seen: set[str] = set()
    ordered = sorted(frameworks, key=lambda f: (f.key, f.version), reverse=True)
    for framework in ordered:
        areas = {a.pk: a for a in framework.areas.all()}
        by_area: dict[int, list[tuple[str, str]]] = {}
        for requirement in framework.requirements.all():
            if requirement.key in seen:
                continue
            seen.add(requirement.key)
            text = " ".join(localized(requirement, "text").split())
            if len(text) > 110:
                text = text[:109].rstrip() + "…"
            by_area.setdefault(requirement.area_id, []).append(
                (requirement.key, f"{text} ({requirement.key})")
            )
        for area_id, options in by_area.items():
            area = areas.get(area_id)
            title = localized(area, "title") if area else ""
            framework_title = localized(framework, "title")
            groups.append((f"{title} – {framework_title} {framework.version}", options))
    return groups


class ActionForm(AccessibleFormMixin, forms.Form):
    input_model = ActionInput

    title = TextField(label=_("What (title)"))
    requirement = forms.ChoiceField(label=_("Requirement"))
    organisation = forms.TypedChoiceField(label=_("Organisation or unit"), coerce=int)
    campaign = IdChoiceField(
        label=_("Campaign"), help_text=_("The campaign whose result led to the action.")
    )
    description = TextField(
        label=_("Description"), max_length=validation.TEXT_MAX, multiline=True, required=False
    )
    owner = TextField(label=_("Who (owner)"), help_text=_("A name or a role, e.g. HR-chef."))
    due = forms.DateField(label=_("By when"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)

    def __init__(
        self,
        *args: Any,
        organisations: Iterable[Any],
        campaigns: Iterable[Any],
        frameworks: Iterable[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "organisation").choices = [("", "")] + [
            (o.pk, f"{'– ' * max(0, o.depth - 1)}{o.name}") for o in organisations
        ]
        choice_field(self, "campaign").choices = [("", _("None"))] + [
            (c.pk, c.title) for c in campaigns
        ]
        choice_field(self, "requirement").choices = [("", ""), *requirement_choices(frameworks)]
