"""The API's common ground: the NinjaAPI object, bearer-token auth, the error body of
docs/api.md#errors for every failure, list pagination, the Users endpoints and the Jobs
endpoints (files built by the worker, ``core.filejobs``).

Routers of the other apps are attached in ``jamlik.api`` (the project level), so core never
imports a higher app.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase
from ninja.security import HttpBearer
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from jamlik.core import filejobs, selectors, services
from jamlik.core.errors import Forbidden, Invalid, JamlikError, NotFound
from jamlik.core.http_types import AuthedRequest
from jamlik.core.inputs import schema_errors
from jamlik.core.models import FileJob, FileJobStatus, User
from jamlik.core.schemas import DateTimeOut
from jamlik.core.user_inputs import UserIn, UserPatch

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


def errors(*statuses: int) -> dict[int, type[ErrorBody]]:
    """Error answers of one operation beyond those every operation documents (see
    ``_document_errors``): ``response={200: Out, **errors(403, 409)}``. Only documentation:
    errors are answered by the exception handlers below, whatever an operation declares."""
    return dict.fromkeys(statuses, ErrorBody)


_ERROR_DESCRIPTIONS = {
    400: "Invalid: a field, a parameter, or a body that is not what the operation takes.",
    401: "A missing or bad API token.",
    403: "The caller's role may not do this.",
    404: "Not found, or not visible to the caller.",
    409: "Valid, but the rules refuse it now.",
    429: "Too many requests; try again later.",
    503: "The database cannot be reached; try again after Retry-After seconds.",
}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}
_WRITES = {"post", "put", "patch", "delete"}


def _error_response(status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": _ERROR_DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }
    if status == 503:
        answer["headers"] = _RETRY_AFTER
    return answer


def _document_errors(schema: dict[str, Any], root: str) -> None:
    """Add the error answers of docs/api.md#status-codes to every operation, derived from
    what the operation is: 400 for all (the input guard refuses a bad query string anywhere),
    401 where a token is needed, 404 where the path names something, 503 for all (database
    outage); 403 for the Users endpoints (admins and city coordinators only,
    docs/rules.md#user-management). Others (403, 409, 429, a 404 for an id in a body) are
    declared by the operation with ``errors()``."""
    (_, definitions) = models_json_schema(
        [(ErrorBody, "serialization")], ref_template="#/components/schemas/{model}"
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(definitions.get("$defs", {}))
    for path, item in schema.get("paths", {}).items():
        own_path = path.removeprefix(root.rstrip("/"))
        for method, operation in item.items():
            if method not in _WRITES | {"get", "head"}:
                continue
            statuses = {400, 503}
            if operation.get("security"):
                statuses.add(401)
                if own_path == "/users" or own_path.startswith("/users/"):
                    statuses.add(403)
            if any(p.get("in") == "path" for p in operation.get("parameters", [])):
                statuses.add(404)
            responses = operation.setdefault("responses", {})
            statuses |= {int(code) for code in responses if int(code) in _ERROR_DESCRIPTIONS}
            for status in statuses:
                responses[status] = _error_response(status)
            operation["responses"] = dict(sorted(responses.items(), key=lambda kv: int(kv[0])))


class ApiDocs(DocsBase):
    """Swagger UI from our own static files (ninja's, served because "ninja" is an installed
    app) with its settings in a data attribute and a static start script: no CDN and no
    inline script, as the Content-Security-Policy (script-src 'self') requires."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        context = {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)}
        return render(request, "core/api_docs.html", context)


class JamlikAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _document_errors(schema, self.get_root_path(path_params or {}))
        return schema

    def validation_error_from_error_contexts(self, error_contexts: list[Any]) -> Any:
        # ninja prefixes each location with the parameter's source and name, and keeps only
        # the text of a validator's exception. The locations are given without the prefix
        # (so a field called "body" keeps its name) and a FieldError is kept whole, so its
        # field and code reach ``core.inputs.schema_errors``.
        errors = []
        for context in error_contexts:
            parameters = getattr(context.model, "model_fields", {})
            for item in context.pydantic_validation_error.errors(include_url=False):
                loc = tuple(item["loc"])
                if loc and loc[0] in parameters:
                    annotation = parameters[loc[0]].annotation
                    # A body (a schema) names its fields; a plain parameter is the field.
                    if len(loc) > 1 or (
                        isinstance(annotation, type) and issubclass(annotation, BaseModel)
                    ):
                        loc = loc[1:]
                item.pop("input", None)
                errors.append({**item, "loc": loc})
        return NinjaValidationError(errors)


api = JamlikAPI(
    title="Jämlik API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    docs=ApiDocs(),
    openapi_url="/openapi.json",
    auth=TokenAuth(),
)


def _respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(JamlikError)
def _jamlik_error(request: HttpRequest, exc: JamlikError) -> HttpResponse:
    response = _respond(request, exc.status, exc.as_body())
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(DjangoValidationError)
def _django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _respond(request, 400, Invalid.from_validation_error(exc).as_body())


@api.exception_handler(NinjaValidationError)
def _schema_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _respond(request, 400, schema_errors(exc.errors).as_body())


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
    """Apply ``?limit=&offset=`` and put the total in ``X-Total-Count`` (docs/api.md#pagination)."""
    limit = _non_negative(request.GET.get("limit"), "limit")
    offset = _non_negative(request.GET.get("offset"), "offset") or 0
    total = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    response["X-Total-Count"] = str(total)
    if limit is None:
        return queryset if offset == 0 else queryset[offset:]
    return queryset[offset : offset + min(limit, MAX_PAGE)]


def _non_negative(raw: str | None, name: str) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0 or value > 10**9:
        raise Invalid.field(name, _("Enter a whole number, 0 or more."))
    return value


def require_user_manager(request: AuthedRequest) -> User:
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
    is_active: bool


class TokenOut(Schema):
    token: str


def _local_iso(value: Any) -> str | None:
    from django.utils import timezone

    return timezone.localtime(value).isoformat() if value else None


class TokenInfoOut(Schema):
    """A token without its value, which only its owner saw once."""

    id: int
    name: str
    prefix: str
    created_at: str
    last_used_at: str | None

    @staticmethod
    def resolve_created_at(obj: Any) -> str | None:
        return _local_iso(obj.created_at)

    @staticmethod
    def resolve_last_used_at(obj: Any) -> str | None:
        return _local_iso(obj.last_used_at)


# Every endpoint below reaches users and tokens through the selectors and services, which
# ask jamlik.core.policies; none has a check of its own.


@users_router.get("/users", response=list[UserOut])
def list_users(request: AuthedRequest, response: HttpResponse) -> Any:
    return paginate(request, response, selectors.user_list(user=request.user))


@users_router.post("/users", response={201: UserOut})
def create_user(request: AuthedRequest, payload: UserIn) -> Any:
    return Status(201, services.user_create(actor=request.user, data=payload))


@users_router.get("/users/{user_id}", response=UserOut)
def get_user(request: AuthedRequest, user_id: int) -> Any:
    return selectors.user_get(user=request.user, pk=user_id)


@users_router.patch("/users/{user_id}", response=UserOut)
def update_user(request: AuthedRequest, user_id: int, payload: UserPatch) -> Any:
    actor = request.user
    target = selectors.user_get(user=actor, pk=user_id)
    return services.user_update(actor=actor, user=target, values=payload)


@users_router.get("/users/{user_id}/tokens", response=list[TokenInfoOut])
def list_tokens(request: AuthedRequest, response: HttpResponse, user_id: int) -> Any:
    owner = selectors.token_owner_get(user=request.user, pk=user_id)
    return paginate(request, response, selectors.token_list(user=request.user, owner=owner))


@users_router.post("/users/{user_id}/tokens", response={201: TokenOut})
def create_token(request: AuthedRequest, user_id: int) -> Any:
    actor = request.user
    target = selectors.token_owner_get(user=actor, pk=user_id)
    return Status(201, {"token": services.api_token_create(actor=actor, user=target, name="API")})


@users_router.delete("/users/{user_id}/tokens/{token_id}", response={204: None})
def revoke_token(request: AuthedRequest, user_id: int, token_id: int) -> Any:
    actor = request.user
    owner = selectors.token_owner_get(user=actor, pk=user_id)
    token = selectors.token_get(user=actor, owner=owner, pk=token_id)
    services.api_token_revoke(actor=actor, token=token)
    return Status(204, None)


@users_router.get("/me", response=UserOut)
def me(request: HttpRequest) -> Any:
    return request.user


# ---- File jobs ---------------------------------------------------------------------------

jobs_router = Router(tags=["jobs"])


class FileJobOut(Schema):
    """A file built by the worker (docs/api.md#endpoints-jobs): ``done`` of ``total`` steps,
    ``file_url`` once ``status`` is ``done``."""

    id: int
    kind: str
    status: str
    done: int
    total: int
    created_at: DateTimeOut
    expires_at: DateTimeOut
    file_url: str | None

    @staticmethod
    def resolve_file_url(job: FileJob) -> str | None:
        if job.status != FileJobStatus.DONE:
            return None
        return reverse("api:file_job_file", kwargs={"job_id": job.pk})


def job_accepted(job: FileJob, response: HttpResponse) -> Any:
    """The answer to a POST that started a file job: 202, the job, and its address in
    ``Location``. For the routers that start jobs (e.g. the campaign's XLSX export)."""
    response["Location"] = reverse("api:file_job", kwargs={"job_id": job.pk})
    return Status(202, job)


@jobs_router.get("/jobs/{job_id}", response=FileJobOut, url_name="file_job")
def get_file_job(request: AuthedRequest, job_id: int) -> Any:
    return filejobs.file_job_get(user=request.user, pk=job_id)


@jobs_router.get(
    "/jobs/{job_id}/file", response={200: None, **errors(409)}, url_name="file_job_file"
)
def get_file_job_file(request: AuthedRequest, job_id: int) -> Any:
    return filejobs.file_response(filejobs.file_job_file(user=request.user, pk=job_id))
