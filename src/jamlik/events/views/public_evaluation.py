"""Public pages after the event: the personal evaluation link (/u/<token>) and the
certificate of participation (/m/<token>/certificate.pdf). No account: the token in the
path is the credential (docs/rules.md#events-evaluation)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jamlik.core.errors import JamlikError, NotFound
from jamlik.core.forms import AccessibleFormMixin
from jamlik.events import evaluation as rules
from jamlik.events.selectors import evaluation as reads
from jamlik.events.services import certificates
from jamlik.events.services import evaluation as service


class AnswerForm(AccessibleFormMixin, forms.Form):
    """A field ``q<id>`` per question: the scale and yes/no as radio buttons, free text as a
    text area. The service checks the answers (``evaluation.parse_answers``)."""

    def __init__(self, *args: Any, questions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for q in questions:
            name = f"q{q.pk}"
            if q.kind == rules.SCALE_KIND:
                self.fields[name] = forms.ChoiceField(
                    label=q.text,
                    required=q.required,
                    choices=[(str(n), str(n)) for n in rules.SCALE],
                    widget=forms.RadioSelect,
                    help_text=_("1 = very poor, 5 = very good"),
                )
            elif q.kind == rules.YES_NO_KIND:
                self.fields[name] = forms.ChoiceField(
                    label=q.text,
                    required=q.required,
                    choices=[("yes", _("Yes")), ("no", _("No"))],
                    widget=forms.RadioSelect,
                )
            else:
                self.fields[name] = forms.CharField(
                    label=q.text,
                    required=q.required,
                    max_length=rules.MAX_TEXT_ANSWER,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )

    def values(self) -> dict[int, Any]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "events/public/invalid_link.html", {"kind": "evaluation"}, status=404)


@never_cache
@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = reads.invite_by_token(token)
    except NotFound:
        return _not_found(request)
    evaluation = invite.evaluation
    context: dict[str, Any] = {"event": evaluation.event, "evaluation": evaluation}
    if invite.answered:
        return render(request, "events/public/evaluation.html", {**context, "done": True})
    questions = list(evaluation.questions.all())
    form = AnswerForm(request.POST if request.method == "POST" else None, questions=questions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                service.evaluation_answer(token=token, values=form.values())
            except JamlikError as exc:
                if isinstance(exc, rules.AlreadyAnswered):
                    return render(
                        request, "events/public/evaluation.html", {**context, "done": True}
                    )
                form.add_rule_error(exc)
                status = exc.status
            else:
                return render(
                    request,
                    "events/public/evaluation.html",
                    {**context, "done": True, "thanks": True},
                )
        else:
            status = 400
    return render(
        request, "events/public/evaluation.html", {**context, "form": form}, status=status
    )


@never_cache
def certificate(request: HttpRequest, token: str) -> HttpResponse:
    """The certificate of participation of the person behind the manage link, if they
    came; otherwise the page of a link that does not work (404)."""
    try:
        filename, content_type, content = certificates.certificate_by_manage_token(token)
    except NotFound:
        return render(request, "events/public/invalid_link.html", {"kind": "manage"}, status=404)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
