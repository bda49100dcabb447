from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jamlik.core import validation
from jamlik.core.forms import AccessibleFormMixin, EmailField, TextField, model_choice_field
from jamlik.orgs.models import Kind, Organisation


class OrganisationForm(AccessibleFormMixin, forms.Form):
    name = TextField(label=_("Name"))
    code = forms.CharField(
        label=_("Short code"),
        max_length=20,
        help_text=_("1–20 characters: letters, digits, '-' and '_'. Unique."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    parent = forms.ModelChoiceField(
        label=_("Parent organisation"), queryset=Organisation.objects.none(), required=False
    )
    mailbox = EmailField(label=_("Functional mailbox"), required=False)
    domains = forms.CharField(
        label=_("E-mail domains"),
        required=False,
        max_length=2000,
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

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "parent").queryset = parents
        model_choice_field(self, "successor").queryset = Organisation.objects.order_by("name")

    def clean_code(self) -> str:
        return validation.clean_code(self.cleaned_data["code"])

    def clean_domains(self) -> list[str]:
        raw = self.cleaned_data.get("domains") or ""
        return [validation.clean_domain(d) for d in re.split(r"[\s,;]+", raw) if d]

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        if (
            data.get("valid_from")
            and data.get("valid_to")
            and data["valid_to"] < data["valid_from"]
        ):
            raise ValidationError({"valid_to": _("The end date comes before the start date.")})
        return data


class ImportForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "Columns: code, name, kind, parent, mailbox, domains, valid_from, valid_to, "
            "successor. Existing organisations are updated by code. Nothing is saved if "
            "any row has an error."
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
