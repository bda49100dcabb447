"""core.formpost.handle_form: the one way from a page's form POST to a service. A bad form
and a rule failure are shown on the form (400, or the failure's status); NotFound and
Forbidden are not form errors; success redirects with its message."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from jamlik.core.errors import Conflict, Forbidden, Invalid, NotFound
from jamlik.core.formpost import handle_form
from jamlik.core.forms import AccessibleFormMixin

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {"page.html": "{{ title }}|{{ form.non_field_errors }}{{ form.name.errors }}"},
                )
            ]
        },
    }
]


class NameForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(max_length=10)


def post(data: dict[str, Any]):
    request = RequestFactory().post("/thing/", data)
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


def answer(request, action, **kw: Any) -> HttpResponse:
    kw.setdefault("success_url", "/done/")
    with override_settings(TEMPLATES=TEMPLATES):
        return handle_form(
            request,
            NameForm(request.POST or None),
            action,
            template="page.html",
            context={"title": "Titel"},
            **kw,
        )


def never(data: dict[str, Any]) -> None:
    raise AssertionError("the service must not run")


def raising(exc: Exception):
    def action(data: dict[str, Any]) -> None:
        raise exc

    return action


def test_get_renders_the_page():
    with override_settings(TEMPLATES=TEMPLATES):
        request = RequestFactory().get("/thing/")
        response = handle_form(
            request, NameForm(None), never, template="page.html", success_url="/done/"
        )
    assert response.status_code == 200


def test_invalid_form_is_rendered_again_with_400_and_the_service_not_called():
    response = answer(post({"name": ""}), never)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_invalid_status_can_be_the_page_s_own():
    assert answer(post({"name": ""}), never, invalid_status=200).status_code == 200


def test_invalid_from_the_service_is_shown_on_its_field_with_400():
    response = answer(post({"name": "x"}), raising(Invalid.field("name", "Namnet är upptaget.")))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Namnet är upptaget." in html and html.startswith("Titel|")


def test_conflict_from_the_service_is_shown_on_the_form_with_409():
    response = answer(post({"name": "x"}), raising(Conflict("Kampanjen är stängd.")))
    assert response.status_code == 409
    assert "Kampanjen är stängd." in response.content.decode()


def test_conflict_keeps_409_when_the_page_answers_bad_forms_with_200():
    response = answer(post({"name": "x"}), raising(Conflict("Låst.")), invalid_status=200)
    assert response.status_code == 409


@pytest.mark.parametrize("exc", [NotFound(), Forbidden()])
def test_not_found_and_forbidden_are_not_form_errors(exc):
    with pytest.raises(type(exc)):
        answer(post({"name": "x"}), raising(exc))


@pytest.mark.django_db
@pytest.mark.parametrize(("exc", "status"), [(NotFound(), 404), (Forbidden(), 403)])
def test_not_found_and_forbidden_become_the_error_pages(exc, status):
    from jamlik.core.middleware import RuleErrorMiddleware

    request = post({"name": "x"})
    with pytest.raises(type(exc)) as raised:
        answer(request, raising(exc))
    middleware = RuleErrorMiddleware(lambda r: HttpResponse())
    response = middleware.process_exception(request, raised.value)
    assert response is not None and response.status_code == status


def test_success_redirects_with_the_message():
    seen: list[dict[str, Any]] = []

    def action(data: dict[str, Any]) -> str:
        seen.append(data)
        return "ok"

    request = post({"name": "Ada"})
    response = answer(
        request,
        action,
        success_url=lambda result: f"/done/{result}/",
        success_message=lambda result: f"Sparat: {result}",
    )
    assert response.status_code == 302 and response["Location"] == "/done/ok/"
    assert seen == [{"name": "Ada"}]
    assert [str(m) for m in get_messages(request)] == ["Sparat: ok"]


def test_on_success_gives_the_whole_answer():
    response = answer(
        post({"name": "Ada"}),
        lambda data: data["name"],
        success_url=None,
        on_success=lambda result: HttpResponse(result, status=201),
    )
    assert response.status_code == 201 and response.content == b"Ada"


def test_formsets_are_validated_with_the_form():
    class Never:
        def is_valid(self) -> bool:
            return False

    assert answer(post({"name": "Ada"}), never, formsets=[Never()]).status_code == 400
