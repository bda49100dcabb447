"""Core pages: login, start page, profile with API tokens and password change, a file job's
progress and its file, health check, error pages."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jamlik.core import filejobs, policies, selectors, services
from jamlik.core.attention import panels_for
from jamlik.core.forms import LoginForm, OwnPasswordChangeForm
from jamlik.core.http_types import AuthedRequest
from jamlik.core.navigation import entries_for


class LoginView(auth_views.LoginView):
    """Django's login page; a login refused by the failed-login limit (services.login_attempt)
    answers 429 with the form and its message. With sign-in through the directory it offers
    that first; with ``LOCAL_LOGIN`` off the password form is shown only on ``?reserv=1``,
    for the break-glass administrator."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:  # the directory's sign-in, when the identity app offers one
            sign_in_url = reverse("identity:sign_in") if settings.OIDC_ISSUER else None
        except NoReverseMatch:
            sign_in_url = None
        context["sign_in_url"] = sign_in_url
        context["password_form_shown"] = (
            settings.LOCAL_LOGIN
            or sign_in_url is None
            or "reserv" in self.request.GET
            or self.request.method == "POST"
        )
        return context

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        login_form = cast(LoginForm, form)  # authentication_form is LoginForm
        if login_form.rate_limited:
            response.status_code = 429
            if login_form.retry_after:
                response["Retry-After"] = str(login_form.retry_after)
        return response


class LogoutView(auth_views.LogoutView):
    """Django's logout; with ``JAMLIK_LOGOUT_URL_METHOD`` (set by sign-in through the
    directory) it goes on to the provider's logout, computed before the session ends."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        method = getattr(settings, "JAMLIK_LOGOUT_URL_METHOD", "")
        onwards = import_string(method)(request) if method else None
        response = super().post(request, *args, **kwargs)
        return redirect(onwards) if onwards else response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: what needs the user's attention (``core.attention``: each app's
    panel, scoped to the user), then the menu's entries as small link cards."""
    return render(
        request,
        "core/home.html",
        {"panels": panels_for(request.user), "entries": entries_for(request.user)},
    )


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    new_token = request.session.pop("new_token", None)
    return render(
        request,
        "core/profile.html",
        {
            "tokens": selectors.token_list_for_user(user=request.user),
            "new_token": new_token,
            "may_change_password": policies.may_change_password(request.user, request.user)
            and request.user.has_usable_password(),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (Django's view and form; login required). Others' passwords
    are set by an administrator in the Django admin."""

    form_class = OwnPasswordChangeForm
    # Not registration/password_change_form.html: the Django admin ships one by that name.
    template_name = "core/password_change.html"
    success_url = reverse_lazy("core:profile")
    request: AuthedRequest  # login required

    def form_valid(self, form: OwnPasswordChangeForm) -> HttpResponse:
        services.user_password_change(
            actor=self.request.user,
            user=form.user,
            password=form.cleaned_data["new_password1"],
        )
        # Keeps this session logged in; the user's other sessions end.
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password was changed."))
        return redirect(self.success_url)


@login_required
@require_POST
def token_create(request: AuthedRequest) -> HttpResponse:
    name = (request.POST.get("name") or "").strip()[:200]
    raw = services.api_token_create(actor=request.user, user=request.user, name=name)
    # Shown once, on the next page only.
    request.session["new_token"] = raw
    messages.success(request, _("A new API token was created. Copy it now: it is shown once."))
    return redirect("core:profile")


@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = selectors.token_list_for_user(user=request.user).filter(pk=pk).first()
    if token is not None:
        services.api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("The token was revoked."))
    return redirect("core:profile")


@login_required
@never_cache
def file_job(request: AuthedRequest, pk: int) -> HttpResponse:
    """A file job's progress: the page, or for htmx's poll its status fragment, which stops
    polling (no trigger) once the job is done or failed. The owner's only: 404 for others."""
    job = filejobs.file_job_get(user=request.user, pk=pk)
    context = {"job": job, "label": filejobs.label(job.kind)}
    if request.htmx:
        response = render(request, "core/partials/_file_job.html", context)
    else:
        response = render(request, "core/file_job.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def file_job_file(request: AuthedRequest, pk: int) -> HttpResponse:
    """The finished job's file (409 page while it is not ready; 404 for others)."""
    return filejobs.file_response(filejobs.file_job_file(user=request.user, pk=pk))


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def error_404(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
