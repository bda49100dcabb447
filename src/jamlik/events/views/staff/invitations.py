"""Organiser pages of named invitations: the list with its counts per organisation and the
reminder button, inviting one person, importing a list (all or nothing). Thin: the forms
parse, ``services.invitations`` decides, ``selectors.invitations`` reads (scoped)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jamlik.core.errors import JamlikError
from jamlik.core.formpost import handle_form
from jamlik.core.forms import AccessibleFormMixin, EmailField, TextField, choice_field
from jamlik.core.i18n import request_language
from jamlik.core.scoping import scope_for
from jamlik.events import invitations, policies
from jamlik.events.inputs import InvitationIn
from jamlik.events.selectors import invitations as found
from jamlik.events.services import invitations as service
from jamlik.events.services.staff_registrations import MAX_IMPORT_ROWS
from jamlik.events.views.staff._common import _base, _event

ANSWER_LABELS = {
    invitations.REGISTERED: gettext_lazy("Registered"),
    invitations.DECLINED: gettext_lazy("Declined"),
    invitations.NOT_ANSWERED: gettext_lazy("Not answered"),
}


# ---- Forms --------------------------------------------------------------------------------------


class InvitationForm(AccessibleFormMixin, forms.Form):
    input_model = InvitationIn

    organisation = forms.ChoiceField(label=gettext_lazy("Organisation"), choices=())
    name = TextField(label=gettext_lazy("Name"), required=False)
    email = EmailField(
        label=gettext_lazy("E-mail"),
        help_text=gettext_lazy("The invitation works for this address only."),
    )

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "organisation").choices = [
            ("", _("Choose an organisation")),
            *((str(o.pk), f"{o.name} ({o.code})") for o in organisations),
        ]
        self._wire_descriptions()


class InvitationImportForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("List (CSV or XLSX)"),
        help_text=gettext_lazy(
            "Columns: name, e-mail, organisation code, as in the registration list's template. "
            "At most 1,000 people and 2 MB. Nobody is invited if any row has an error."
        ),
    )

    def add_rule_error(self, exc: JamlikError) -> None:
        """Each refused line ("rows.<n>") as an error of the form, so the summary lists every
        line; the file's own error on the file."""
        placed = False
        for item in exc.errors:
            name = str(item["field"])
            self.add_error(name if name in self.fields else None, str(item["message"]))
            placed = True
        if not placed:
            self.add_error(None, str(exc.message))
        self._wire_descriptions()


class InvitationFilterForm(forms.Form):
    organisation = forms.ChoiceField(label=gettext_lazy("Organisation"), required=False)
    answer = forms.ChoiceField(label=gettext_lazy("Answer"), required=False)

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._by_id = {str(o.pk): o for o in organisations}
        choice_field(self, "organisation").choices = [
            ("", _("All organisations")),
            *((str(o.pk), o.name) for o in organisations),
        ]
        choice_field(self, "answer").choices = [
            ("", _("All answers")),
            *((key, str(label)) for key, label in ANSWER_LABELS.items()),
        ]

    def clean_organisation(self) -> Any:
        value = self.cleaned_data.get("organisation") or ""
        if not value:
            return None
        if value not in self._by_id:
            raise ValidationError(_("Choose an organisation."))
        return self._by_id[value]


# ---- Pages --------------------------------------------------------------------------------------


def _organisations(user: Any) -> list[Any]:
    """The organisations the user may invite people of, or see invitations of (their scope)."""
    from jamlik.orgs.models import Organisation

    return list(scope_for(user).filter(Organisation.objects.all(), via="").order_by("name", "pk"))


@login_required
@require_safe
def invitation_list(request: HttpRequest, pk: int) -> HttpResponse:
    policies.require(policies.may_see_invitations, request.user)
    event = _event(request, pk)
    counts = found.invitation_counts(user=request.user, event=event)
    organisations = [c.organisation for c in counts if c.organisation is not None]
    filters = InvitationFilterForm(request.GET or None, organisations=organisations)
    organisation, answer = None, None
    if filters.is_bound and filters.is_valid():
        organisation = filters.cleaned_data["organisation"]
        answer = filters.cleaned_data["answer"] or None
    rows = [
        (invitation, found.answer(invitation))
        for invitation in found.invitation_list(
            user=request.user, event=event, organisation=organisation, answer=answer
        )
    ]
    return render(
        request,
        "events/staff/invitations.html",
        _base(
            request,
            event,
            "invitations",
            counts=counts,
            totals=found.invitation_totals(counts),
            rows=rows,
            filters=filters,
            answer_labels=ANSWER_LABELS,
            can_invite=policies.may_invite(request.user),
            reminder_days=", ".join(str(n) for n in invitations.REMINDER_DAYS),
        ),
    )


def _allowed_event(request: HttpRequest, pk: int) -> Any:
    policies.require(policies.may_invite, request.user)
    return _event(request, pk)


def _invited_message(made: list[Any]) -> str:
    return _("%(n)s invitations were e-mailed.") % {"n": len(made)}


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request: HttpRequest, pk: int) -> HttpResponse:
    event = _allowed_event(request, pk)
    form = InvitationForm(request.POST or None, organisations=_organisations(request.user))
    return handle_form(
        request,
        form,
        lambda data: service.invitations_create(
            actor=request.user, event=event, data=data, language=request_language(request)
        ),
        template="events/staff/invitation_form.html",
        context=_base(request, event, "invitations"),
        success_message=_invited_message,
        success_url=reverse("events:invitations", kwargs={"pk": event.pk}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_import(request: HttpRequest, pk: int) -> HttpResponse:
    event = _allowed_event(request, pk)
    form = InvitationImportForm(request.POST or None, request.FILES or None)
    return handle_form(
        request,
        form,
        lambda data: service.invitations_import(
            actor=request.user, event=event, file=data["file"], language=request_language(request)
        ),
        template="events/staff/invitations_import.html",
        context=_base(request, event, "invitations", max_rows=MAX_IMPORT_ROWS),
        success_message=_invited_message,
        success_url=reverse("events:invitations", kwargs={"pk": event.pk}),
    )


@login_required
@require_POST
def invitations_remind(request: HttpRequest, pk: int) -> HttpResponse:
    event = _allowed_event(request, pk)
    try:
        n = service.invitations_remind(actor=request.user, event=event)
    except JamlikError as exc:
        messages.error(request, str(exc.message))
    else:
        if n:
            messages.success(request, _("%(n)s reminders were e-mailed.") % {"n": n})
        else:
            messages.info(
                request, _("Nobody to remind: everyone has answered or was just reminded.")
            )
    return redirect("events:invitations", pk=event.pk)
