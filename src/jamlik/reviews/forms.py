"""Forms of the reviews pages: widgets, labels and the parsing of the widgets' text (dates,
numbers, choices). The rules are the input models' (``reviews/inputs.py``): the view hands
``cleaned_data`` to the service, and a rule's failure comes back on the field of its name
(docs/decisions/0022-input-models.md)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jamlik.core import validation
from jamlik.core.errors import Invalid, JamlikError
from jamlik.core.forms import AccessibleFormMixin, TextField, choice_field, model_choice_field
from jamlik.core.models import Role, User
from jamlik.reviews.documentation import SECTIONS
from jamlik.reviews.inputs import (
    DIARY_NUMBER_MAX,
    MAX_SIGNATORIES,
    PHONE_MAX,
    BreakoutsIn,
    DocumentationIn,
    ExampleIn,
    MilestoneIn,
    MoveIn,
    NotesIn,
    ReportIn,
    ReviewIn,
)
from jamlik.reviews.models import ReportType

if TYPE_CHECKING:
    from jamlik.assessments.models import Campaign
    from jamlik.events.models import Event
    from jamlik.orgs.models import Organisation
    from jamlik.reviews.models import Review

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(
    label: Any,
    *,
    required: bool = True,
    max_length: int = validation.NAME_MAX,
    rows: int | None = None,
    help_text: Any = "",
) -> TextField:
    return TextField(
        label=label,
        required=required,
        max_length=max_length,
        multiline=rows is not None,
        rows=rows or 4,
        help_text=help_text,
    )


def _long(label: Any, help_text: Any = "", rows: int = 5) -> TextField:
    return _text(
        label, required=False, max_length=validation.TEXT_MAX, rows=rows, help_text=help_text
    )


class ReviewForm(AccessibleFormMixin, forms.Form):
    input_model = ReviewIn

    title = _text(_("Title"))
    purpose = _long(_("Purpose"), _("What the review should lead to, in a few sentences."))
    campaigns: forms.ModelMultipleChoiceField[Campaign] = forms.ModelMultipleChoiceField(
        label=_("Campaigns the review deepens"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    workshops: forms.ModelMultipleChoiceField[Event] = forms.ModelMultipleChoiceField(
        label=_("Workshops"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Events of the kind workshop."),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Gets a reminder by e-mail before each milestone's due date."),
    )
    committee = _text(_("Committee"), required=False)
    diary_number = _text(_("Diary number"), required=False, max_length=DIARY_NUMBER_MAX)
    case_officer = _text(_("Case officer"), required=False)

    def __init__(self, *args: Any, campaigns: Any, workshops: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "campaigns").queryset = campaigns
        model_choice_field(self, "workshops").queryset = workshops
        model_choice_field(self, "owner").queryset = User.objects.filter(
            is_active=True, role__in=[Role.ADMIN, Role.CITY_COORDINATOR]
        ).order_by("name", "username")


class MilestoneForm(AccessibleFormMixin, forms.Form):
    input_model = MilestoneIn

    title = _text(_("Milestone"))
    due = forms.DateField(label=_("Due date"), widget=DATE_WIDGET)
    done = forms.BooleanField(label=_("Done"), required=False)
    note = _text(_("Note"), required=False, max_length=validation.COMMENT_MAX, rows=2)


class OptionalMilestoneForm(MilestoneForm):
    """A row of the new review's milestones: a row left empty is skipped, so which fields a
    row needs is the page's to say (the model never sees an empty row)."""

    input_model = None  # type: ignore[assignment]  # an empty row is no milestone; the rows are checked as they are

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["due"].required = False
        # A title of blanks leaves the row empty.
        cast(forms.CharField, self.fields["title"]).strip = True

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        if data.get("title") and not data.get("due"):
            self.add_error("due", _("Enter the due date."))
        if data.get("due") and not data.get("title"):
            self.add_error("title", _("Enter the milestone's title."))
        return data


MilestoneFormSet = forms.formset_factory(OptionalMilestoneForm, extra=4, max_num=20)


class BreakoutForm(AccessibleFormMixin, forms.Form):
    input_model = BreakoutsIn

    size = forms.IntegerField(
        label=_("Group size"),
        initial=5,
        help_text=_("People per group; 4–6 works well. Sizes differ by at most one."),
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        initial=1,
        help_text=_("Any whole number. The same number gives the same groups; another one gives "
                    "other groups that are just as mixed."),
    )  # fmt: skip


class MoveForm(AccessibleFormMixin, forms.Form):
    input_model = MoveIn

    registration = forms.TypedChoiceField(label=_("Person"), coerce=int)
    number = forms.TypedChoiceField(label=_("To group"), coerce=int)

    def __init__(self, *args: Any, people: list[Any], groups: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "registration").choices = [("", _("Choose a person"))] + [
            (r.pk, f"{r.name} ({r.organisation.name if r.organisation else _('external')})")
            for r in people
        ]
        choice_field(self, "number").choices = [("", _("Choose a group"))] + [
            (g.number, _("Group %(number)s") % {"number": g.number}) for g in groups
        ]


class NotesForm(AccessibleFormMixin, forms.Form):
    input_model = NotesIn

    shared = _long(_("What was shared"), _("Experiences and ways of working the group shared."), 8)
    questions = _long(_("Questions raised"), rows=6)
    wishes = _long(_("Wishes for joint city-wide efforts"), rows=6)


class ExampleForm(AccessibleFormMixin, forms.Form):
    input_model = ExampleIn

    title = _text(_("Title"))
    text = _text(
        _("Text"),
        max_length=validation.TEXT_MAX,
        rows=8,
        help_text=_("What the organisation did, what it led to, and whom to ask."),
    )
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None
    )
    requirement_keys = forms.MultipleChoiceField(
        label=_("Requirements"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The requirements of the self-assessment the example relates to."),
    )
    review: forms.ModelChoiceField[Review] = forms.ModelChoiceField(
        label=_("Review"), queryset=None, required=False
    )

    def __init__(
        self,
        *args: Any,
        organisations: Any,
        requirements: list[tuple[str, str]],
        reviews: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisation").queryset = organisations
        choice_field(self, "requirement_keys").choices = requirements
        model_choice_field(self, "review").queryset = reviews


class ExampleSearchForm(AccessibleFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    requirement = forms.ChoiceField(label=_("Requirement"), required=False)

    def __init__(self, *args: Any, requirements: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        choice_field(self, "requirement").choices = [("", _("All requirements")), *requirements]


class ReportForm(AccessibleFormMixin, forms.Form):
    input_model = ReportIn

    committee = _text(pgettext_lazy("board report", "Committee"), required=False)
    date = forms.DateField(
        label=pgettext_lazy("board report", "Date"), required=False, widget=DATE_WIDGET
    )
    diary_number = _text(
        pgettext_lazy("board report", "Diary number"),
        required=False,
        max_length=DIARY_NUMBER_MAX,
    )
    case_officer = _text(pgettext_lazy("board report", "Case officer"), required=False)
    case_officer_phone = _text(
        pgettext_lazy("board report", "Case officer's phone"),
        required=False,
        max_length=PHONE_MAX,
    )
    case_officer_email = forms.CharField(
        label=pgettext_lazy("board report", "Case officer's e-mail"),
        required=False,
        strip=False,
        widget=forms.EmailInput,
    )  # the address rule is the input model's
    report_type = forms.ChoiceField(
        label=pgettext_lazy("board report", "Report type"),
        choices=ReportType.choices,
        required=False,  # left out: an official report (the model's default)
        initial=ReportType.OFFICIAL,
        help_text=_("Printed as the document's type heading and in the DOCX header."),
    )
    proposed_decision = _long(pgettext_lazy("board report", "Proposed decision"), rows=4)
    summary = _long(pgettext_lazy("board report", "Summary"), rows=6)
    method = _long(pgettext_lazy("board report", "Method"), rows=6)
    results = _long(
        pgettext_lazy("board report", "Results"),
        _("The campaign's figures are added to the export."),
        8,
    )
    workshop_lessons = _long(
        pgettext_lazy("board report", "Lessons from the workshop"),
        _("The groups' notes are added to the export."),
        8,
    )
    joint_efforts = _long(pgettext_lazy("board report", "Proposed joint efforts"), rows=6)
    economic_assessment = _long(pgettext_lazy("board report", "Economic dimension"), rows=3)
    ecological_assessment = _long(pgettext_lazy("board report", "Ecological dimension"), rows=3)
    social_assessment = _long(pgettext_lazy("board report", "Social dimension"), rows=3)
    cooperation = _long(
        pgettext_lazy("board report", "Cooperation with the unions (samverkan)"), rows=3
    )
    appendices = _long(pgettext_lazy("board report", "Appendices"), _("One per line."), rows=3)

    NARRATIVE = (
        "proposed_decision",
        "summary",
        "method",
        "results",
        "workshop_lessons",
        "joint_efforts",
    )
    MATTER = (
        "report_type",
        "committee",
        "date",
        "diary_number",
        "case_officer",
        "case_officer_phone",
        "case_officer_email",
    )
    ASSESSMENT = ("economic_assessment", "ecological_assessment", "social_assessment")
    OTHER = ("cooperation", "appendices")

    # The signature block: MAX_SIGNATORIES rows of name and title, handed to the service as
    # ``signatories`` (rows left empty are skipped; a half-filled row is the model's error).
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        initial = dict(kwargs.pop("initial", None) or {})
        for number, signatory in enumerate(initial.pop("signatories", None) or [], start=1):
            initial[f"signatory_{number}_name"] = signatory.get("name", "")
            initial[f"signatory_{number}_title"] = signatory.get("title", "")
        super().__init__(*args, initial=initial, **kwargs)
        for number in range(1, MAX_SIGNATORIES + 1):
            self.fields[f"signatory_{number}_name"] = _text(
                pgettext_lazy("signatory", "Name"), required=False
            )
            self.fields[f"signatory_{number}_title"] = _text(
                pgettext_lazy("signatory", "Title"), required=False
            )
        self._signatory_rows: list[int] = []  # the row of each signatory handed on
        self._wire_descriptions()

    @staticmethod
    def _row_field(number: int, part: str) -> str:
        return f"signatory_{number}_{part}"

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        signatories, self._signatory_rows = [], []
        for number in range(1, MAX_SIGNATORIES + 1):
            row = {
                part: data.pop(self._row_field(number, part), "") or ""
                for part in ("name", "title")
            }
            if any(value.strip() for value in row.values()):
                signatories.append(row)
                self._signatory_rows.append(number)
        data["signatories"] = signatories
        if not data.get("report_type"):
            data["report_type"] = ReportType.OFFICIAL.value
        return data

    def _signatory_field(self, name: str) -> str | None:
        """The row field of an input model error on ``signatories.<index>.<part>``."""
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "signatories" and parts[1].isdigit():
            index = int(parts[1])
            if index < len(self._signatory_rows) and parts[2] in ("name", "title"):
                return self._row_field(self._signatory_rows[index], parts[2])
        return None

    def _post_clean(self) -> None:
        super()._post_clean()
        # The mixin checks the form's own fields against the model when the form has
        # errors; the signatories are no form field, so their rules are checked here.
        if not self.errors or "signatories" not in self.cleaned_data:
            return
        try:
            ReportIn.take({"signatories": self.cleaned_data["signatories"]})
        except Invalid as exc:
            self._place_signatory_errors(exc)

    def _place_signatory_errors(self, exc: JamlikError) -> list[Any]:
        rest = []
        for item in exc.errors:
            field = self._signatory_field(str(item["field"]))
            if field is None:
                rest.append(item)
            elif field not in self.errors:
                self.add_error(field, str(item["message"]))
        return rest

    def add_rule_error(self, exc: JamlikError) -> None:
        rest = self._place_signatory_errors(exc)
        if rest or not exc.errors:
            remaining = copy.copy(exc)
            remaining.errors = rest
            super().add_rule_error(remaining)
        else:
            self._wire_descriptions()

    @property
    def signatory_rows(self) -> list[tuple[int, Any, Any]]:
        return [
            (number, self[self._row_field(number, "name")], self[self._row_field(number, "title")])
            for number in range(1, MAX_SIGNATORIES + 1)
        ]

    def group(self, names: tuple[str, ...]) -> list[Any]:
        return [self[name] for name in names]

    @property
    def matter_fields(self) -> list[Any]:
        return self.group(self.MATTER)

    @property
    def narrative_fields(self) -> list[Any]:
        return self.group(self.NARRATIVE)

    @property
    def assessment_fields(self) -> list[Any]:
        return self.group(self.ASSESSMENT)

    @property
    def other_fields(self) -> list[Any]:
        return self.group(self.OTHER)


class DocumentationForm(AccessibleFormMixin, forms.Form):
    """A new version of the yearly documentation: the named author and every section (the
    year is the page's)."""

    input_model = DocumentationIn

    author = _text(
        pgettext_lazy("documentation", "Author"),
        help_text=_("Who wrote this version, e.g. Eva Jansson, HR-chef."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for section in SECTIONS:
            self.fields[section.key] = _long(section.heading, section.help_text, rows=8)
