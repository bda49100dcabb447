"""The API's common ground: the NinjaAPI object, bearer-token auth, the error body of API.md
for every failure, list pagination, and the Users endpoints.

Routers of the other apps are attached in ``jamlik.api`` (the project level), so core never
imports a higher app.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from pydantic import Field

from jamlik.core import selectors, services
from jamlik.core.errors import Forbidden, Invalid, JamlikError, NotFound
from jamlik.core.models import Role, User
from jamlik.core.schemas import OptionalEmail, OptionalName, Username, organisation_ref

MAX_PAGE = 1000


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = selectors.user_for_token(token)
        if user is not None:
            request.user = user
        return user


class ErrorItem(Schema):
    field: str
    message: str


class ErrorBody(Schema):
    detail: str
    code: str
    errors: list[ErrorItem] = []


api = NinjaAPI(
    title="Jämlik API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=TokenAuth(),
)


def _respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(JamlikError)
def _jamlik_error(request: HttpRequest, exc: JamlikError) -> HttpResponse:
    return _respond(request, exc.status, exc.as_body())


@api.exception_handler(DjangoValidationError)
def _django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _respond(request, 400, Invalid.from_validation_error(exc).as_body())


def _field_name(loc: list[Any]) -> str:
    # ninja prefixes the location with the parameter source and name ("body", "payload").
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "data")]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def _schema_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for item in exc.errors:
        errors.append(
            {"field": _field_name(list(item.get("loc", []))), "message": _schema_message(item)}
        )
    detail = _("The request is invalid: %(message)s") % {
        "message": errors[0]["message"] if errors else ""
    }
    return _respond(request, 400, {"detail": detail, "code": "invalid", "errors": errors})


def _schema_message(item: dict[str, Any]) -> str:
    kind = item.get("type", "")
    ctx = item.get("ctx") or {}
    messages = {
        "missing": _("This field is required."),
        "string_too_long": _("At most %(n)s characters.") % {"n": ctx.get("max_length", "")},
        "string_too_short": _("This field cannot be blank."),
        "too_long": _("Too many items."),
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "bool_type": _("Enter true or false."),
        "bool_parsing": _("Enter true or false."),
        "datetime_parsing": _("Enter a valid date and time (ISO 8601)."),
        "datetime_from_date_parsing": _("Enter a valid date and time (ISO 8601)."),
        "datetime_type": _("Enter a valid date and time (ISO 8601)."),
        "date_parsing": _("Enter a valid date (YYYY-MM-DD)."),
        "date_from_datetime_parsing": _("Enter a valid date (YYYY-MM-DD)."),
        "date_type": _("Enter a valid date (YYYY-MM-DD)."),
        "string_type": _("Enter text."),
        "list_type": _("Enter a list."),
        "enum": _("Choose one of the allowed values."),
        "literal_error": _("Choose one of the allowed values."),
        "greater_than_equal": _("Must be at least %(n)s.") % {"n": ctx.get("ge", "")},
        "less_than_equal": _("Must be at most %(n)s.") % {"n": ctx.get("le", "")},
        "greater_than": _("Must be greater than %(n)s.") % {"n": ctx.get("gt", "")},
        "model_attributes_type": _("Enter a JSON object."),
        "dict_type": _("Enter a JSON object."),
        "json_invalid": _("The body is not valid JSON."),
        "value_error": str(ctx.get("error", "")) or _("Invalid value."),
        "string_pattern_mismatch": _("Invalid format."),
        "int_from_float": _("Enter a whole number."),
        "too_short": _("Too few items."),
        "extra_forbidden": _("Unknown field."),
    }
    return str(messages.get(kind, _("Invalid value.")))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _respond(
        request,
        401,
        {"detail": _("A valid API token is required."), "code": "unauthenticated", "errors": []},
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _respond(request, 404, NotFound().as_body())


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "invalid", 401: "unauthenticated", 403: "forbidden", 404: "not_found"}.get(
        exc.status_code, "error"
    )
    return _respond(request, exc.status_code, {"detail": str(exc), "code": code, "errors": []})


def paginate(request: HttpRequest, response: HttpResponse, queryset: QuerySet | list) -> Any:
    """Apply ``?limit=&offset=`` and put the total in ``X-Total-Count`` (API.md, Conventions)."""
    limit = _non_negative(request.GET.get("limit"), "limit")
    offset = _non_negative(request.GET.get("offset"), "offset") or 0
    total = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    response["X-Total-Count"] = str(total)
    if limit is None:
        return queryset if offset == 0 else queryset[offset:]
    return queryset[offset : offset + min(limit, MAX_PAGE)]


def _non_negative(raw: str | None, name: str) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0 or value > 10**9:
        raise Invalid.field(name, _("Enter a whole number, 0 or more."))
    return value


def require_user_manager(request: HttpRequest) -> User:
    user = request.user
    if not user.sees_everything:
        raise Forbidden(_("Only administrators and city coordinators manage users."))
    return user


# ---- Users -------------------------------------------------------------------------------

users_router = Router(tags=["users"])


class UserOut(Schema):
    id: int
    username: str
    email: str
    name: str
    role: str
    organisation: int | None = Field(None, validation_alias="organisation_id")


class UserIn(Schema):
    username: Username
    email: OptionalEmail = ""
    name: OptionalName = ""
    role: Role
    organisation: int | None = None


class TokenOut(Schema):
    token: str


@users_router.get("/users", response=list[UserOut])
def list_users(request: HttpRequest, response: HttpResponse) -> Any:
    user = require_user_manager(request)
    return paginate(request, response, selectors.user_list(user=user))


@users_router.post("/users", response={201: UserOut})
def create_user(request: HttpRequest, payload: UserIn) -> Any:
    actor = require_user_manager(request)
    created = services.user_create(
        actor=actor,
        username=payload.username,
        email=payload.email,
        name=payload.name,
        role=payload.role.value,
        organisation=organisation_ref(payload.organisation, field="organisation"),
    )
    return Status(201, created)


@users_router.get("/users/{user_id}", response=UserOut)
def get_user(request: HttpRequest, user_id: int) -> Any:
    actor = require_user_manager(request)
    return selectors.user_get(user=actor, pk=user_id)


@users_router.post("/users/{user_id}/tokens", response={201: TokenOut})
def create_token(request: HttpRequest, user_id: int) -> Any:
    actor = require_user_manager(request)
    target = selectors.user_get(user=actor, pk=user_id)
    return Status(201, {"token": services.api_token_create(actor=actor, user=target, name="API")})


@users_router.get("/me", response=UserOut)
def me(request: HttpRequest) -> Any:
    return request.user
