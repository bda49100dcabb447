"""``handle_form``: the one way from a page's form POST to a service.

On POST the form (and any formsets shown with it) are validated, the action (the service
call) gets ``form.cleaned_data``, and a rule failure it raises is put on the form
(``add_rule_error``) and the page rendered again: 400 for ``Invalid`` (or the page's own
``invalid_status``), the failure's status otherwise (409 for ``Conflict``). ``NotFound`` and
``Forbidden`` are not form errors: they propagate to ``core/middleware.py`` (404, 403). On
success: an optional success message, then the redirect or the page's own answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jamlik.core.errors import Forbidden, Invalid, JamlikError, NotFound

T = TypeVar("T")


class RuleForm(Protocol):
    """A Django form with ``AccessibleFormMixin.add_rule_error``."""

    cleaned_data: dict[str, Any]

    def is_valid(self) -> bool: ...

    def add_rule_error(self, exc: JamlikError) -> None: ...


class _Validatable(Protocol):
    def is_valid(self) -> bool: ...


def handle_form(
    request: HttpRequest,
    form: RuleForm,
    action: Callable[[dict[str, Any]], T],
    *,
    template: str | None = None,
    context: Mapping[str, Any] | None = None,
    form_name: str = "form",
    render_page: Callable[[int], HttpResponse] | None = None,
    success_url: str | Callable[[T], str] | None = None,
    on_success: Callable[[T], HttpResponse] | None = None,
    success_message: str | Callable[[T], str] | None = None,
    formsets: Sequence[_Validatable] = (),
    invalid_status: int = 400,
) -> HttpResponse:
    """Answer a form page: GET renders it, POST runs ``action(form.cleaned_data)``.

    ``form`` is built by the caller, bound with ``request.POST or None``. The page is
    ``template`` rendered with ``context`` plus the form as ``form_name``, or
    ``render_page(status)`` where the page is drawn by a helper of its own. ``success_url``
    (a URL or URL name, or a function of the action's result) or ``on_success`` (the whole
    answer) says what follows a success.
    """
    if (template is None) == (render_page is None):
        raise TypeError("handle_form needs exactly one of template and render_page.")
    if (success_url is None) == (on_success is None):
        raise TypeError("handle_form needs exactly one of success_url and on_success.")
    status = 200
    if request.method == "POST":
        # All validated, so every form shows its errors at once.
        valid = [form.is_valid(), *(f.is_valid() for f in formsets)]
        if all(valid):
            try:
                result = action(form.cleaned_data)
            except (NotFound, Forbidden):
                raise
            except JamlikError as exc:
                form.add_rule_error(exc)
                status = invalid_status if isinstance(exc, Invalid) else exc.status
            else:
                if success_message is not None:
                    text = success_message(result) if callable(success_message) else success_message
                    messages.success(request, text)
                if on_success is not None:
                    return on_success(result)
                assert success_url is not None
                return redirect(success_url(result) if callable(success_url) else success_url)
        else:
            status = invalid_status
    if render_page is not None:
        return render_page(status)
    assert template is not None
    return render(request, template, {**(context or {}), form_name: form}, status=status)
