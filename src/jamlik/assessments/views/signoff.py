"""The "Sign off" section of a response's staff page: the form with which a coordinator
records the named head's judgement (accepted, or changes requested), and the history of
sign-offs. The section is drawn by ``responses._page`` with ``signoff_context``; the POST
goes to ``response_sign_off`` here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jamlik.assessments.inputs import SignOffIn
from jamlik.assessments.models import Response, SignOffDecision
from jamlik.assessments.selectors.campaigns import response_signoffs
from jamlik.assessments.services.signoff import response_may_sign_off, response_sign_off
from jamlik.core import validation
from jamlik.core.formpost import handle_form
from jamlik.core.forms import AccessibleFormMixin, TextField


class SignOffForm(AccessibleFormMixin, forms.Form):
    input_model = SignOffIn

    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=SignOffDecision.choices,
        widget=forms.RadioSelect,
    )
    signed_by_name = TextField(label=gettext_lazy("Name of the head"), required=True)
    signed_by_title = TextField(
        label=gettext_lazy("The head's title"),
        required=True,
        help_text=gettext_lazy("E.g. head of administration or managing director."),
    )
    comment = TextField(
        label=gettext_lazy("Comment"),
        max_length=validation.COMMENT_MAX,
        multiline=True,
        required=False,
        help_text=gettext_lazy(
            "Needed when changes are requested: it is mailed to the unit, and the response "
            "is reopened."
        ),
    )


def signoff_context(
    response: Response, user: Any, form: SignOffForm | None = None
) -> dict[str, Any] | None:
    """What the section shows to a staff user; None for the respondent link."""
    if user is None:
        return None
    return {
        "form": form or SignOffForm(),
        "history": list(response_signoffs(response=response)),
        "may_sign": response_may_sign_off(actor=user, response=response),
    }


@login_required
@require_POST
def response_sign_off_view(request: HttpRequest, pk: int) -> HttpResponse:
    # Imported here: the response page imports this module for its section.
    from jamlik.assessments.views.responses import _by_pk, _page

    response, visitor = _by_pk(request, pk)
    form = SignOffForm(request.POST)
    return handle_form(
        request,
        form,
        lambda data: response_sign_off(actor=request.user, response=response, data=data),
        render_page=lambda status: _page(
            request,
            response,
            visitor,
            status=status,
            problem=_("The sign-off could not be saved."),
            signoff_form=form,
        ),
        success_message=lambda signoff: (
            _("The sign-off was saved.")
            if signoff.decision == SignOffDecision.ACCEPTED
            else _("Changes were requested: the response was reopened and the unit told.")
        ),
        success_url=visitor.url(response, "form"),
    )
