"""The Events and Public endpoints (docs/api.md#endpoints-events), thin: parse, one service
or selector, answer.

Staff endpoints use the bearer token of core.api; the public ones (``/public/…``) have
``auth=None`` and take the token in the path as their credential.

The modules register their operations on the two routers of ``_common`` when imported; the
order of the imports below (alphabetical, as ruff keeps them) is the order of the operations
in the OpenAPI document; ``public_router`` is attached last."""

from jamlik.events.api import (  # noqa: F401
    evaluation,
    events,
    invitations,
    links,
    privacy,
    public,
    radar,
    registrations,
)
from jamlik.events.api._common import public_router, router

router.add_router("", public_router)


def _keep_operation_ids() -> None:
    """Operation ids stay what they were while this package was one module
    (``jamlik_events_api_`` and the function's name): clients generated from the OpenAPI
    document use them."""
    for operations in [*router.path_operations.values(), *public_router.path_operations.values()]:
        for operation in operations.operations:
            name = operation.view_func.__name__
            operation.operation_id = operation.operation_id or f"jamlik_events_api_{name}"


_keep_operation_ids()

__all__ = ["public_router", "router"]
