"""SCIM 2.0 (RFC 7643/7644) at ``/scim/v2/``: the protocol layer between the directory and
``identity.services``.

Every request body is validated by scim2-models in its RFC 7644 context (creation,
replacement, patch) under ``resources.POLICY``; PATCH operations are applied by scim2-models
to the resource as Jamlik holds it, and the result is written like a PUT. Filters, pagination
and ``attributes``/``excludedAttributes`` follow RFC 7644 §3.4.2 and §3.9.

Answers are ``application/scim+json``; every failure is a SCIM Error
(``urn:ietf:params:scim:api:messages:2.0:Error``) with ``status`` and, where RFC 7644 §3.12
has one, ``scimType``. The directory authenticates with a bearer token (``ScimToken``); the
endpoint is not CSRF-protected (no cookies are used) and failed authentications are rate
limited per client address. Nothing personal is logged.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError
from scim2_models import (
    Context,
    Error,
    ListResponse,
    Message,
    PatchOp,
    Resource,
    ResourceType,
    ResponseParameters,
    Schema,
    SCIMException,
    ScimFilter,
    SearchRequest,
)
from scim2_models.path.expressions import CompareOperator, Comparison

from jamlik.core import selectors as core_selectors
from jamlik.core import validation
from jamlik.core.clientip import client_address
from jamlik.core.errors import JamlikError
from jamlik.core.models import hash_token
from jamlik.core.ratelimit import rate_limit_hit, window_remaining
from jamlik.identity import services
from jamlik.identity.inputs import ProvisionedGroup, ProvisionedUser
from jamlik.identity.models import DirectoryAccount, DirectoryGroup, ScimToken
from jamlik.identity.scim.resources import (
    MAX_RESULTS,
    POLICY,
    PROVIDER,
    RESOURCE_TYPES,
    Group,
    UserResource,
    service_provider_config,
)

CONTENT_TYPE = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = services.ENTERPRISE
DEFAULT_COUNT = 100
# Failed authentications allowed per client address and window.
AUTH_FAILURES = 20
AUTH_WINDOW = timedelta(minutes=15)
# The attributes Jamlik keeps in DirectoryAccount.attributes (the others have columns).
_OWN_KEYS = {"schemas", "id", "meta", "externalId", "userName", "active", "groups"}


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type


# ---- Responses ---------------------------------------------------------------------------


def _json(payload: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(payload, ensure_ascii=False, default=str),
        status=status,
        content_type=CONTENT_TYPE,
    )


def _dump(message: Message | Resource[Any], ctx: Context, params: Any = None) -> dict[str, Any]:
    return message.model_dump(scim_ctx=ctx, response_parameters=params, mode="json")


def error_response(status: int, detail: str, scim_type: str | None = None) -> HttpResponse:
    error = Error(status=status, scim_type=scim_type, detail=detail)
    return _json(_dump(error, Context.RESOURCE_QUERY_RESPONSE), status)


def _validation_error(exc: ValidationError) -> ScimError:
    error = Error.from_validation_errors(exc)[0]
    return ScimError(error.status or 400, error.detail or "Invalid request.", error.scim_type)


# ---- Authentication and the request wrapper -----------------------------------------------


def _client_key(request: HttpRequest) -> str:
    digest = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    return f"identity.scim.auth:{digest}"


def _authenticate(request: HttpRequest) -> ScimToken | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, raw = header.partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw or len(raw) > 200:
        return None
    token = ScimToken.objects.filter(key_hash=hash_token(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def _unusable(data: Any) -> str | None:
    """The first string in ``data`` that no database can store, as a message, or None."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            problem = validation.unusable_text(value)
            if problem:
                return str(problem)
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return None


def scim_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Bearer authentication (rate limited on failure), SCIM errors for every failure, and
    the SCIM policy around the view."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = _client_key(request)
        if core_selectors.rate_limits_reached(limits={key: AUTH_FAILURES}, window=AUTH_WINDOW):
            response = error_response(429, "Too many failed authentications.")
            response["Retry-After"] = str(window_remaining(AUTH_WINDOW))
            return response
        if _authenticate(request) is None:
            rate_limit_hit(key=key, limit=AUTH_FAILURES, window=AUTH_WINDOW)
            response = error_response(401, "A valid SCIM bearer token is required.")
            response["WWW-Authenticate"] = 'Bearer realm="scim"'
            return response
        if _unusable(list(request.GET.lists())):
            return error_response(400, "The query contains characters that are not allowed.")
        try:
            with POLICY:
                return view(request, *args, **kwargs)
        except ScimError as exc:
            return error_response(exc.status, exc.detail, exc.scim_type)
        except SCIMException as exc:
            error = exc.to_error()
            return error_response(error.status or 400, error.detail or "", error.scim_type)
        except ValidationError as exc:
            error_ = _validation_error(exc)
            return error_response(error_.status, error_.detail, error_.scim_type)
        except JamlikError as exc:
            scim_type: str | None = {409: "uniqueness", 400: "invalidValue"}.get(exc.status)
            detail = str(exc.message)
            if exc.errors:
                detail = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors)
            return error_response(exc.status, detail, scim_type)

    return wrapper


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ScimError(400, "The body is not valid JSON.", "invalidSyntax") from None
    if not isinstance(data, dict):
        raise ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    problem = _unusable(data)
    if problem:
        raise ScimError(400, problem, "invalidValue")
    return data


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("scim:root")).rstrip("/")


def _method_not_allowed(allowed: str) -> HttpResponse:
    response = error_response(405, "Method not allowed.")
    response["Allow"] = allowed
    return response


# ---- Discovery ---------------------------------------------------------------------------


@scim_endpoint
def service_provider_config_view(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return _method_not_allowed("GET")
    config = service_provider_config(documentation_uri=None)
    config.meta = _meta("ServiceProviderConfig", f"{_base(request)}/ServiceProviderConfig")
    return _json(_dump(config, Context.RESOURCE_QUERY_RESPONSE))


def _meta(resource_type: str, location: str, created: Any = None, updated: Any = None) -> Any:
    from scim2_models import Meta

    return Meta(
        resource_type=resource_type, location=location, created=created, last_modified=updated
    )


def _listing(model: Any, items: list[Any]) -> dict[str, Any]:
    response = ListResponse[model](
        total_results=len(items),
        start_index=1,
        items_per_page=len(items),
        resources=items,
    )
    return _dump(response, Context.SEARCH_RESPONSE)


@scim_endpoint
def resource_types_view(request: HttpRequest, name: str | None = None) -> HttpResponse:
    if request.method != "GET":
        return _method_not_allowed("GET")
    base = _base(request)
    found = []
    for resource_type in RESOURCE_TYPES:
        copy = resource_type.model_copy(deep=True)
        copy.meta = _meta("ResourceType", f"{base}/ResourceTypes/{copy.id}")
        found.append(copy)
    if name is None:
        return _json(_listing(ResourceType, found))
    for item in found:
        if item.id == name:
            return _json(_dump(item, Context.RESOURCE_QUERY_RESPONSE))
    raise ScimError(404, "No such resource type.")


@scim_endpoint
def schemas_view(request: HttpRequest, schema_id: str | None = None) -> HttpResponse:
    if request.method != "GET":
        return _method_not_allowed("GET")
    base = _base(request)
    found = []
    for schema in PROVIDER.schemas:
        copy = schema.model_copy(deep=True)
        copy.meta = _meta("Schema", f"{base}/Schemas/{copy.id}")
        found.append(copy)
    if schema_id is None:
        return _json(_listing(Schema, found))
    for item in found:
        if item.id == schema_id:
            return _json(_dump(item, Context.RESOURCE_QUERY_RESPONSE))
    raise ScimError(404, "No such schema.")


@scim_endpoint
def root_search_view(request: HttpRequest) -> HttpResponse:
    """A search across resource types (RFC 7644 §3.4.3) is optional: 501."""
    raise ScimError(501, "Search across resource types is not implemented; use /Users/.search.")


@scim_endpoint
def not_found_view(request: HttpRequest, rest: str = "") -> HttpResponse:
    raise ScimError(404, "Not found.")


# ---- Conversions -------------------------------------------------------------------------


def _parse_id(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def _accounts() -> QuerySet[DirectoryAccount]:
    return DirectoryAccount.objects.filter(removed_at__isnull=True).select_related("user")


def _account(raw_id: str) -> DirectoryAccount:
    scim_id = _parse_id(raw_id)
    account = _accounts().filter(scim_id=scim_id).first() if scim_id else None
    if account is None:
        raise ScimError(404, "No such user.")
    return account


def _group(raw_id: str) -> DirectoryGroup:
    scim_id = _parse_id(raw_id)
    group = DirectoryGroup.objects.filter(scim_id=scim_id).first() if scim_id else None
    if group is None:
        raise ScimError(404, "No such group.")
    return group


def user_resource(account: DirectoryAccount, base: str) -> Any:
    """The User resource as Jamlik holds it."""
    data: dict[str, Any] = {k: v for k, v in account.attributes.items() if k not in _OWN_KEYS}
    schemas = [USER_SCHEMA] + ([ENTERPRISE] if ENTERPRISE in data else [])
    groups = account.groups.all().order_by("display_name", "pk")
    data.update(
        {
            "schemas": schemas,
            "id": str(account.scim_id),
            "userName": account.user.username,
            "meta": {
                "resourceType": "User",
                "created": account.created_at.isoformat(),
                "lastModified": account.updated_at.isoformat(),
                "location": f"{base}/Users/{account.scim_id}",
            },
        }
    )
    if account.external_id:
        data["externalId"] = account.external_id
    if account.directory_active is not None:
        data["active"] = account.directory_active
    if groups:
        data["groups"] = [
            {
                "value": str(g.scim_id),
                "$ref": f"{base}/Groups/{g.scim_id}",
                "display": g.display_name,
            }
            for g in groups
        ]
    return UserResource.model_validate(data)


def group_resource(group: DirectoryGroup, base: str) -> Group:
    members = group.members.filter(removed_at__isnull=True).order_by("pk")
    data: dict[str, Any] = {
        "schemas": [str(Group.__schema__)],
        "id": str(group.scim_id),
        "displayName": group.display_name,
        "meta": {
            "resourceType": "Group",
            "created": group.created_at.isoformat(),
            "lastModified": group.updated_at.isoformat(),
            "location": f"{base}/Groups/{group.scim_id}",
        },
    }
    if group.external_id:
        data["externalId"] = group.external_id
    if members:
        data["members"] = [
            {"value": str(m.scim_id), "$ref": f"{base}/Users/{m.scim_id}", "type": "User"}
            for m in members
        ]
    return Group.model_validate(data)


def _user_values(resource: Any) -> tuple[ProvisionedUser, dict[str, Any]]:
    """What Jamlik takes from a User resource: the user's fields, and the attributes it
    keeps as written."""
    emails = resource.emails or []
    chosen = (
        next((e for e in emails if e.primary), None)
        or next((e for e in emails if e.type == "work"), None)
        or (emails[0] if emails else None)
    )
    name = resource.name
    values = ProvisionedUser.take(
        {
            "username": resource.user_name or "",
            "external_id": resource.external_id,
            "name": resource.display_name or (name.formatted if name else None) or "",
            "first_name": (name.given_name if name else None) or "",
            "last_name": (name.family_name if name else None) or "",
            "email": (chosen.value if chosen else None) or "",
            "active": resource.active,
        }
    )
    dumped = resource.model_dump(scim_ctx=Context.DEFAULT, mode="json")
    attributes = {k: v for k, v in dumped.items() if k not in _OWN_KEYS}
    if not attributes.get(ENTERPRISE):
        attributes.pop(ENTERPRISE, None)
    return values, attributes


def _members(resource: Group) -> list[DirectoryAccount]:
    found: list[DirectoryAccount] = []
    for member in resource.members or []:
        if member.type and member.type != "User":
            raise ScimError(400, "Only users can be members of a group.", "invalidValue")
        scim_id = _parse_id(member.value or "")
        account = _accounts().filter(scim_id=scim_id).first() if scim_id else None
        if account is None:
            raise ScimError(400, "A member is not a known user.", "invalidValue")
        if account not in found:
            found.append(account)
    return found


def _group_values(resource: Group) -> ProvisionedGroup:
    return ProvisionedGroup.take(
        {"display_name": resource.display_name or "", "external_id": resource.external_id}
    )


# ---- Lists and filters -------------------------------------------------------------------

# eq on these attributes is answered by the database; other filters are evaluated by
# scim2-models on each resource (a municipality's staff is a few thousand at most).
_USER_LOOKUPS = {"username": "user__username__iexact", "externalid": "external_id", "id": "scim_id"}
_GROUP_LOOKUPS = {
    "displayname": "display_name__iexact",
    "externalid": "external_id",
    "id": "scim_id",
}


def _positive(raw: Any, name: str, default: int | None) -> int | None:
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ScimError(400, f"{name} must be an integer.", "invalidValue") from None


def _search_params(source: dict[str, Any]) -> tuple[str | None, int, int, Any]:
    start = max(1, _positive(source.get("startIndex"), "startIndex", 1) or 1)
    count_raw = _positive(source.get("count"), "count", DEFAULT_COUNT)
    count = min(max(0, count_raw if count_raw is not None else DEFAULT_COUNT), MAX_RESULTS)
    text = source.get("filter")
    if text is not None and not isinstance(text, str):
        raise ScimError(400, "filter must be a string.", "invalidFilter")
    return text or None, start, count, source


def _search(
    request: HttpRequest,
    source: dict[str, Any],
    model: Any,
    queryset: QuerySet[Any],
    lookups: dict[str, str],
    to_resource: Callable[[Any, str], Any],
) -> HttpResponse:
    text, start, count, _ = _search_params(source)
    params = _response_parameters(model, source)
    base = _base(request)
    matcher = None
    if text:
        try:
            scim_filter = ScimFilter[model](text)
        except SCIMException as exc:
            raise ScimError(400, str(exc), "invalidFilter") from None
        except (ValueError, TypeError, ValidationError):
            raise ScimError(400, "The filter is not valid.", "invalidFilter") from None
        node = scim_filter.ast
        lookup = None
        comparison: Comparison | None = None
        if (
            isinstance(node, Comparison)
            and node.op == CompareOperator.eq
            and node.attr_path.sub_attr is None
            and node.attr_path.uri in (None, str(model.__schema__))
        ):
            lookup = lookups.get(node.attr_path.attr.casefold())
            comparison = node
        if lookup is not None and comparison is not None:
            value = comparison.value
            if lookup == "scim_id":
                value = _parse_id(str(value))
                if value is None:
                    queryset = queryset.none()
            if value is not None:
                queryset = queryset.filter(**{lookup: value})
        else:
            matcher = scim_filter
    queryset = queryset.order_by("pk")
    if matcher is None:
        total = queryset.count()
        rows = list(queryset[start - 1 : start - 1 + count]) if count else []
        resources = [to_resource(row, base) for row in rows]
    else:
        everything = [to_resource(row, base) for row in queryset.iterator()]
        matching = [r for r in everything if matcher.match(r)]
        total = len(matching)
        resources = matching[start - 1 : start - 1 + count]
    response = ListResponse[model](
        total_results=total,
        start_index=start,
        items_per_page=len(resources),
        resources=resources or None,
    )
    if not resources:
        response.resources = []
    return _json(_dump(response, Context.SEARCH_RESPONSE, params))


def _response_parameters(model: Any, source: dict[str, Any]) -> Any:
    attributes = source.get("attributes")
    excluded = source.get("excludedAttributes")
    if not attributes and not excluded:
        return None
    try:
        return ResponseParameters[model].model_validate(
            {"attributes": attributes or None, "excludedAttributes": excluded or None}
        )
    except ValidationError as exc:
        raise _validation_error(exc) from None


def _query(request: HttpRequest) -> dict[str, Any]:
    return {key: request.GET.get(key) for key in request.GET}


def _search_body(request: HttpRequest) -> dict[str, Any]:
    data = _body(request)
    try:
        SearchRequest.model_validate(data, scim_ctx=Context.SEARCH_REQUEST)
    except ValidationError as exc:
        raise _validation_error(exc) from None
    for key in ("attributes", "excludedAttributes"):
        if isinstance(data.get(key), list):
            data[key] = ",".join(str(v) for v in data[key])
    return data


def _answer(resource: Any, ctx: Context, request: HttpRequest, status: int = 200) -> HttpResponse:
    params = _response_parameters(type(resource), _query(request))
    response = _json(_dump(resource, ctx, params), status)
    if resource.meta and resource.meta.location:
        response["Location"] = str(resource.meta.location)
    return response


# ---- Users -------------------------------------------------------------------------------


def _manager_as_object(data: dict[str, Any]) -> dict[str, Any]:
    """Entra ID sends the manager in a PATCH as the bare id (``"value": "<id>"``); RFC 7643
    makes it a complex attribute, so the id becomes ``{"value": id}``."""
    for operation in data.get("Operations") or []:
        if not isinstance(operation, dict):
            continue
        path = str(operation.get("path") or "").casefold()
        value = operation.get("value")
        if path.endswith("manager") and isinstance(value, str):
            operation["value"] = {"value": value}
        elif path.endswith("manager") and isinstance(value, list) and len(value) == 1:
            operation["value"] = value[0]
    return data


@scim_endpoint
def users_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _search(
            request, _query(request), UserResource, _accounts(), _USER_LOOKUPS, user_resource
        )
    if request.method == "POST":
        resource = UserResource.model_validate(
            _body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST
        )
        values, attributes = _user_values(resource)
        account = services.account_create(values=values, attributes=attributes)
        created = user_resource(account, _base(request))
        return _answer(created, Context.RESOURCE_CREATION_RESPONSE, request, 201)
    return _method_not_allowed("GET, POST")


@scim_endpoint
def users_search_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _method_not_allowed("POST")
    return _search(
        request, _search_body(request), UserResource, _accounts(), _USER_LOOKUPS, user_resource
    )


@scim_endpoint
def user_view(request: HttpRequest, scim_id: str) -> HttpResponse:
    account = _account(scim_id)
    base = _base(request)
    if request.method == "GET":
        return _answer(user_resource(account, base), Context.RESOURCE_QUERY_RESPONSE, request)
    if request.method == "PUT":
        resource = UserResource.model_validate(
            _body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        resource.replace(user_resource(account, base))
        values, attributes = _user_values(resource)
        services.account_update(account=account, values=values, attributes=attributes)
        return _answer(user_resource(account, base), Context.RESOURCE_REPLACEMENT_RESPONSE, request)
    if request.method == "PATCH":
        patch = PatchOp[UserResource].model_validate(
            _manager_as_object(_body(request)), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        resource = user_resource(account, base)
        patch.patch(resource)
        # Revalidate the patched resource as a whole (types the operations wrote).
        resource = UserResource.model_validate(resource.model_dump(scim_ctx=Context.DEFAULT))
        values, attributes = _user_values(resource)
        services.account_update(account=account, values=values, attributes=attributes)
        return _answer(user_resource(account, base), Context.RESOURCE_PATCH_RESPONSE, request)
    if request.method == "DELETE":
        services.account_remove(account=account)
        return HttpResponse(status=204)
    return _method_not_allowed("GET, PUT, PATCH, DELETE")


# ---- Groups ------------------------------------------------------------------------------


@scim_endpoint
def groups_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _search(
            request,
            _query(request),
            Group,
            DirectoryGroup.objects.all(),
            _GROUP_LOOKUPS,
            group_resource,
        )
    if request.method == "POST":
        resource = Group.model_validate(_body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
        group = services.group_create(values=_group_values(resource), members=_members(resource))
        created = group_resource(group, _base(request))
        return _answer(created, Context.RESOURCE_CREATION_RESPONSE, request, 201)
    return _method_not_allowed("GET, POST")


@scim_endpoint
def groups_search_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _method_not_allowed("POST")
    return _search(
        request,
        _search_body(request),
        Group,
        DirectoryGroup.objects.all(),
        _GROUP_LOOKUPS,
        group_resource,
    )


@scim_endpoint
def group_view(request: HttpRequest, scim_id: str) -> HttpResponse:
    group = _group(scim_id)
    base = _base(request)
    if request.method == "GET":
        return _answer(group_resource(group, base), Context.RESOURCE_QUERY_RESPONSE, request)
    if request.method == "PUT":
        resource = Group.model_validate(
            _body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        resource.replace(group_resource(group, base))
        services.group_update(
            group=group, values=_group_values(resource), members=_members(resource)
        )
        return _answer(group_resource(group, base), Context.RESOURCE_REPLACEMENT_RESPONSE, request)
    if request.method == "PATCH":
        patch = PatchOp[Group].model_validate(
            _body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        resource = group_resource(group, base)
        patch.patch(resource)
        resource = Group.model_validate(resource.model_dump(scim_ctx=Context.DEFAULT))
        services.group_update(
            group=group, values=_group_values(resource), members=_members(resource)
        )
        return _answer(group_resource(group, base), Context.RESOURCE_PATCH_RESPONSE, request)
    if request.method == "DELETE":
        services.group_delete(group=group)
        return HttpResponse(status=204)
    return _method_not_allowed("GET, PUT, PATCH, DELETE")
