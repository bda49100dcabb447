from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from jamlik.core import validation
from jamlik.core.errors import JamlikError
from jamlik.core.forms import AccessibleFormMixin, model_choice_field
from jamlik.orgs.inputs import OrganisationIn
from jamlik.orgs.models import SHORT_NAME_MAX, Kind, Organisation


class OrganisationForm(AccessibleFormMixin, forms.Form):
    """What the page needs: widgets, labels and parsing. The rules are
    ``orgs.inputs.OrganisationIn`` / ``OrganisationPatch``, checked by the service."""

    input_model = OrganisationIn

    name = forms.CharField(
        label=_("Name"), widget=forms.TextInput(attrs={"maxlength": validation.NAME_MAX})
    )
    short_name = forms.CharField(
        label=_("Short name"),
        required=False,
        help_text=_(
            "Optional, at most 40 characters: shown where the full name does not fit, "
            "e.g. in the heat map of results (“Angered” for “Stadsdelsförvaltningen Angered”)."
        ),
        widget=forms.TextInput(attrs={"maxlength": SHORT_NAME_MAX}),
    )
    code = forms.CharField(
        label=_("Short code"),
        help_text=_("1–20 characters: letters, digits, '-' and '_'. Unique."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    parent = forms.ModelChoiceField(
        label=_("Parent organisation"), queryset=Organisation.objects.none(), required=False
    )
    mailbox = forms.CharField(
        label=_("Functional mailbox"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "maxlength": validation.EMAIL_MAX}),
    )
    domains = forms.CharField(
        label=_("E-mail domains"),
        required=False,
        help_text=_("Separate several domains with spaces, e.g. angered.goteborg.se"),
    )
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=_("Valid to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    successor = forms.ModelChoiceField(
        label=_("Successor"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("When the organisation is replaced in a reorganisation."),
    )
    other_successors = forms.ModelMultipleChoiceField(
        label=_("Other successors (split)"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "When the organisation is split: the organisations besides the successor that "
            "take over part of it. Choose several with Ctrl (Cmd on a Mac) or Shift."
        ),
    )

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "parent").queryset = parents
        model_choice_field(self, "successor").queryset = Organisation.objects.order_by("name")
        cast(
            forms.ModelMultipleChoiceField, self.fields["other_successors"]
        ).queryset = Organisation.objects.order_by("name")

    def clean_other_successors(self) -> list[Organisation]:
        return list(self.cleaned_data.get("other_successors") or [])

    def clean_domains(self) -> list[str]:
        # One text box holds the list the model takes.
        raw = self.cleaned_data.get("domains") or ""
        return [d for d in re.split(r"[\s,;]+", raw) if d]

    def add_rule_error(self, exc: JamlikError) -> None:
        # The model names a bad domain by its place in the list ("domains.1"); the page has
        # one box for them all.
        exc.errors = [{**e, "field": str(e["field"]).split(".")[0]} for e in exc.errors]
        super().add_rule_error(exc)


class ImportForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "Columns: code, name, kind, parent, mailbox, domains, valid_from, valid_to, "
            "successor, short_name (optional). Existing organisations are updated by code. Nothing is saved if "
            "any row has an error."
        ),
    )
    # The split's column is a sentence of its own: the sentence above is older.
    file.help_text = format_lazy(
        "{} {}",
        file.help_text,
        _(
            "Optional column other_successors: when an organisation was split, the codes of "
            "the other successors besides successor, separated by commas or spaces."
        ),
    )
    dry_run = forms.BooleanField(label=_("Only check the file, save nothing"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )
