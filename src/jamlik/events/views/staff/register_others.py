"""Organiser pages: register another person, or import a list of people (all or nothing),
and the list's template. Thin: the forms parse, ``services.registration_create_by_staff`` and
``services.registrations_import`` decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from jamlik.core import validation
from jamlik.core.errors import JamlikError
from jamlik.core.exports import csv_response
from jamlik.core.formpost import handle_form
from jamlik.core.forms import AccessibleFormMixin, EmailField, TextField, choice_field
from jamlik.core.i18n import request_language
from jamlik.core.scoping import scope_for
from jamlik.events import hybrid, policies, services
from jamlik.events.forms import participation_choices
from jamlik.events.inputs import StaffRegistrationIn
from jamlik.events.models import Category
from jamlik.events.services.staff_registrations import (
    MAX_IMPORT_ROWS,
    TEMPLATE_EXAMPLE,
    TEMPLATE_HEADER,
    default_category,
)
from jamlik.events.views.staff._common import _base, _event

# ---- Forms --------------------------------------------------------------------------------------


def _category_choices(form: forms.Form, event: Any) -> None:
    allowed = [c for c in Category.choices if c[0] in (event.categories or [])]
    field = choice_field(form, "category")
    field.choices = allowed
    field.initial = default_category(event)


class StaffRegistrationForm(AccessibleFormMixin, forms.Form):
    input_model = StaffRegistrationIn

    organisation = forms.ChoiceField(label=gettext_lazy("Organisation"), choices=())
    name = TextField(label=gettext_lazy("Name"))
    email = EmailField(label=gettext_lazy("Work e-mail"))
    category = forms.ChoiceField(
        label=gettext_lazy("Registers as"), widget=forms.RadioSelect, choices=()
    )
    title = TextField(label=gettext_lazy("Job title"), required=False)
    manager_email = EmailField(
        label=gettext_lazy("The manager's e-mail"),
        required=False,
        help_text=gettext_lazy("The manager is asked to approve the registration."),
    )
    dietary = TextField(
        label=gettext_lazy("Dietary needs"),
        required=False,
        multiline=True,
        rows=2,
        max_length=validation.COMMENT_MAX,
    )
    accessibility = TextField(
        label=gettext_lazy("Accessibility needs"),
        required=False,
        multiline=True,
        rows=2,
        max_length=validation.COMMENT_MAX,
    )
    participation = forms.ChoiceField(  # hybrid events only
        label=gettext_lazy("Takes part"), widget=forms.RadioSelect, choices=(), initial="on_site"
    )
    protected_identity = forms.BooleanField(  # only for those who may see protected people
        label=gettext_lazy("Protected personal data"),
        required=False,
        help_text=gettext_lazy(
            "The person is left out of every list that names people: the dashboard, the "
            "check-in, badges and exports. The city's coordinators still see them."
        ),
    )

    def __init__(
        self,
        *args: Any,
        event: Any,
        organisations: list[Any],
        may_protect: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not may_protect:
            del self.fields["protected_identity"]
        choice_field(self, "organisation").choices = [
            ("", _("Choose an organisation")),
            *((str(o.pk), f"{o.name} ({o.code})") for o in organisations),
        ]
        _category_choices(self, event)
        if event.approval_required:
            self.fields["manager_email"].required = True
        else:
            del self.fields["manager_email"]
        if hybrid.is_hybrid(event):
            choice_field(self, "participation").choices = participation_choices(event)
        else:
            del self.fields["participation"]
        self._wire_descriptions()


class RegistrationImportForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("List (CSV or XLSX)"),
        help_text=gettext_lazy(
            "Columns: name, e-mail, organisation code; job title and the manager's e-mail may "
            "be added. At most 1,000 people and 2 MB. Nobody is registered if any row has an "
            "error."
        ),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Everyone on the list registers as"),
        widget=forms.RadioSelect,
        choices=(),
    )

    def __init__(self, *args: Any, event: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _category_choices(self, event)
        self._wire_descriptions()

    def add_rule_error(self, exc: JamlikError) -> None:
        """The service's errors: the file's or a field's on that field, and each refused line
        of the list ("rows.<n>") as an error of the form, so the summary lists every line."""
        placed = False
        for item in exc.errors:
            name = str(item["field"])
            self.add_error(name if name in self.fields else None, str(item["message"]))
            placed = True
        if not placed:
            self.add_error(None, str(exc.message))
        self._wire_descriptions()


# ---- Pages --------------------------------------------------------------------------------------


def _allowed_event(request: HttpRequest, pk: int) -> Any:
    policies.require(policies.may_register_others, request.user)
    return _event(request, pk)


def _organisations(user: Any) -> list[Any]:
    """The organisations the user may register people of (their scope)."""
    from jamlik.orgs.models import Organisation

    return list(scope_for(user).filter(Organisation.objects.all(), via="").order_by("name", "pk"))


@login_required
@require_http_methods(["GET", "POST"])
def register_person(request: HttpRequest, pk: int) -> HttpResponse:
    event = _allowed_event(request, pk)
    form = StaffRegistrationForm(
        request.POST or None,
        event=event,
        organisations=_organisations(request.user),
        may_protect=policies.may_see_protected_identity(request.user),
    )
    return handle_form(
        request,
        form,
        lambda data: services.registration_create_by_staff(
            actor=request.user, event=event, data=data, language=request_language(request)
        ),
        template="events/staff/register_person.html",
        context=_base(request, event, "dashboard"),
        success_message=lambda outcome: _registered_message(outcome.registration),
        success_url=lambda outcome: reverse(
            "events:registration_detail",
            kwargs={"pk": event.pk, "rid": outcome.registration.pk},
        ),
    )


def _registered_message(registration: Any) -> str:
    if registration.status == "waiting":
        text = _("%(name)s is on the waiting list; the confirmation was e-mailed to %(email)s.")
    elif registration.status == "pending_approval":
        text = _(
            "%(name)s holds a seat until the manager approves; the confirmation was e-mailed "
            "to %(email)s."
        )
    else:
        text = _("%(name)s has a seat; the confirmation was e-mailed to %(email)s.")
    return text % {"name": registration.name, "email": registration.email}


@login_required
@require_http_methods(["GET", "POST"])
def register_import(request: HttpRequest, pk: int) -> HttpResponse:
    event = _allowed_event(request, pk)
    form = RegistrationImportForm(request.POST or None, request.FILES or None, event=event)
    return handle_form(
        request,
        form,
        lambda data: services.registrations_import(
            actor=request.user,
            event=event,
            file=data["file"],
            category=data["category"],
            language=request_language(request),
        ),
        template="events/staff/register_import.html",
        context=_base(request, event, "dashboard", max_rows=MAX_IMPORT_ROWS),
        success_message=lambda result: (
            _(
                "%(n)s people were registered: %(confirmed)s with a seat, %(held)s "
                "held for approval, %(waiting)s on the waiting list. Each was e-mailed "
                "a confirmation."
            )
            % {
                "n": result.created,
                "confirmed": result.confirmed,
                "held": result.pending_approval,
                "waiting": result.waiting,
            }
        ),
        success_url=reverse("events:dashboard", kwargs={"pk": event.pk}),
    )


@login_required
@require_safe
def register_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The list's template: the columns and one example row, for Excel with Swedish
    settings (semicolons, UTF-8 with a byte order mark)."""
    event = _allowed_event(request, pk)
    return csv_response(
        f"anmalningslista-{event.pk}.csv", TEMPLATE_HEADER, [TEMPLATE_EXAMPLE], delimiter=";"
    )
