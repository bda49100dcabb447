"""Evidence files on the response pages: the current files under each answer of the form
(``evidence_items``, drawn by ``responses._page``), the page of one answer's files with
every revision and the upload form (a new file or a new revision of one), and the download.

The same pages serve the respondent link (/s/<token>/evidence/<key>) and staff
(/assessments/responses/<pk>/evidence/<key>/), as the answer form does: the upload goes
through ``services.evidence.evidence_add``, which decides who may add files and when. A
file is always downloaded as an attachment with the type its content was checked to be.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jamlik.assessments import evidence as rules
from jamlik.assessments import selectors, services
from jamlik.assessments.inputs import EvidenceIn
from jamlik.assessments.models import Evidence, Response
from jamlik.assessments.selectors.evidence import (
    current_files,
    evidence_by_requirement,
    evidence_get,
    evidence_list,
)
from jamlik.assessments.services.evidence import evidence_add, evidence_file
from jamlik.assessments.texts import localized
from jamlik.core.errors import NotFound
from jamlik.core.filejobs import attachment
from jamlik.core.formpost import handle_form
from jamlik.core.forms import AccessibleFormMixin, TextField, choice_field


def safe_attachment(file: tuple[str, str, bytes]) -> HttpResponse:
    """A file an outsider may have uploaded: an attachment, never sniffed into another type
    and, should a browser open it anyway, not run as a page."""
    answer = attachment(file)
    answer["X-Content-Type-Options"] = "nosniff"
    answer["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return answer


class EvidenceForm(AccessibleFormMixin, forms.Form):
    input_model = EvidenceIn

    file = forms.FileField(label=gettext_lazy("File"))
    replaces = forms.TypedChoiceField(
        label=gettext_lazy("The file is"),
        coerce=int,
        empty_value=None,
        required=False,
    )
    diary_number = TextField(
        label=gettext_lazy("Diary number (optional)"),
        required=False,
        help_text=gettext_lazy("The document's number in the registry (diarienummer)."),
    )
    effective_date = forms.DateField(
        label=gettext_lazy("In effect from (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, current: list[Evidence], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = choice_field(self, "replaces")
        field.choices = [
            ("", _("A new file")),
            *(
                (
                    item.pk,
                    _("A new revision of %(name)s (revision %(n)s)")
                    % {"name": item.filename, "n": item.revision},
                )
                for item in current
            ),
        ]
        self.fields["file"].help_text = _(
            "%(kinds)s, at most %(mb)s MB. A file is never changed: a new revision is kept "
            "beside the earlier ones."
        ) % {"kinds": rules.allowed_names(), "mb": f"{rules.max_bytes() / (1024 * 1024):g}"}
        self._wire_descriptions()


def evidence_items(response: Response, visitor: Any) -> dict[str, dict[str, Any]]:
    """Per requirement key: its current files with their download addresses, how many files
    it has in all, and the address of its files' page (one query for the whole response)."""
    items: dict[str, dict[str, Any]] = {}
    for key, files in evidence_by_requirement(response=response).items():
        items[key] = {
            "current": [
                {"file": item, "url": visitor.url(response, "evidence_file", key=key, file=item.pk)}
                for item in current_files(files)
            ],
            "count": len(files),
        }
    return items


def _number(response: Response, visitor: Any, key: str) -> tuple[str, Any]:
    """The requirement's number on the form (2.3) and the requirement; 404 when unknown."""
    framework = selectors.framework_get(user=visitor.user, pk=response.campaign.framework_id)
    for a_index, (_area, requirements) in enumerate(selectors.framework_structure(framework), 1):
        for r_index, requirement in enumerate(requirements, start=1):
            if requirement.key == key:
                return f"{a_index}.{r_index}", requirement
    raise NotFound()


def _evidence_page(request: HttpRequest, response: Response, visitor: Any, key: str) -> Any:
    number, requirement = _number(response, visitor, key)
    files = evidence_list(response=response, requirement_key=key)
    editable = services.response_may_change(
        actor=visitor.user, response=response, by_respondent=visitor.by_respondent
    )
    page_url = visitor.url(response, "evidence", key=key)
    posted = request.method == "POST"
    form = EvidenceForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        current=current_files(files),
    )

    def render_page(status: int) -> HttpResponse:
        rows = [
            {
                "file": item,
                "url": visitor.url(response, "evidence_file", key=key, file=item.pk),
            }
            for item in reversed(files)
        ]
        return render(
            request,
            "assessments/evidence.html",
            {
                "response": response,
                "campaign": response.campaign,
                "unit": response.unit,
                "visitor": visitor,
                "number": number,
                "requirement": requirement,
                "requirement_text": localized(requirement, "text"),
                "rows": rows,
                # After a POST the form stays, with the reason when the rules refused it.
                "form": form if editable or posted else None,
                "page_url": page_url,
                "form_url": visitor.url(response, "form") + f"#req-{key}",
            },
            status=status,
        )

    def action(data: dict[str, Any]) -> Evidence:
        return evidence_add(
            actor=visitor.user,
            response=response,
            requirement_key=key,
            file=data["file"],
            data={
                "diary_number": data.get("diary_number") or "",
                "effective_date": data.get("effective_date"),
                "replaces": data.get("replaces"),
            },
            by_respondent=visitor.by_respondent,
        )

    return handle_form(
        request,
        form,
        action,
        render_page=render_page,
        success_message=lambda item: _("The file %(name)s was added.") % {"name": item.filename},
        success_url=page_url,
    )


def _download(response: Response, key: str, file: int) -> HttpResponse:
    return safe_attachment(
        evidence_file(evidence_get(response=response, requirement_key=key, pk=file))
    )


# ---- Through the respondent link ------------------------------------------------------------


def _by_token(token: str) -> tuple[Response, Any]:
    from jamlik.assessments.views.responses import Visitor

    return selectors.response_for_token(token), Visitor(user=None, token=token)


@never_cache
@require_http_methods(["GET", "POST"])
def respondent_evidence(request: HttpRequest, token: str, key: str) -> HttpResponse:
    response, visitor = _by_token(token)
    return _evidence_page(request, response, visitor, key)


@never_cache
@require_GET
def respondent_evidence_file(request: HttpRequest, token: str, key: str, file: int) -> HttpResponse:
    response, _visitor = _by_token(token)
    return _download(response, key, file)


# ---- For coordinators (logged in, scoped) ---------------------------------------------------


def _by_pk(request: HttpRequest, pk: int) -> tuple[Response, Any]:
    from jamlik.assessments.views.responses import Visitor

    return selectors.response_get(user=request.user, pk=pk), Visitor(user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def response_evidence(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    response, visitor = _by_pk(request, pk)
    return _evidence_page(request, response, visitor, key)


@login_required
@require_GET
def response_evidence_file(request: HttpRequest, pk: int, key: str, file: int) -> HttpResponse:
    response, _visitor = _by_pk(request, pk)
    return _download(response, key, file)
