"""Good examples (goda exempel): short write-ups of how one organisation meets requirements.

Any staff user may write one for an organisation in their scope; the city writes for all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jamlik.assessments.models import Requirement
from jamlik.core.audit import audit_log, changes, snapshot
from jamlik.core.errors import Invalid, NotFound
from jamlik.core.scoping import scope_for
from jamlik.orgs.models import Organisation
from jamlik.reviews import policies
from jamlik.reviews.inputs import ExampleIn, ExamplePatch
from jamlik.reviews.models import GoodExample, Review
from jamlik.reviews.services.common import UNCHANGED, known_fields

EXAMPLE_FIELDS = ("title", "text", "organisation", "requirement_keys", "review")


def _check_organisation(actor: Any, organisation: Organisation) -> None:
    if actor is not None and not scope_for(actor).covers(organisation):
        raise Invalid.field(
            "organisation", _("Unknown organisation: %(id)s.") % {"id": organisation.pk}
        )


def _check_requirements(keys: list[str]) -> None:
    """Every key must be a requirement of some framework version."""
    known = set(Requirement.objects.filter(key__in=keys).values_list("key", flat=True))
    errors = [
        {
            "field": "requirements",
            "message": _("Unknown requirement: %(key)s.") % {"key": key[:100]},
        }
        for key in keys
        if key not in known
    ]
    if errors:
        raise Invalid(errors[0]["message"], errors=errors)


def _ids(**objects: Any) -> dict[str, Any]:
    """The ids of the objects given, under the model's field names, so the model sees what a
    request body would carry."""
    return {name: o.pk for name, o in objects.items() if o is not None and o is not UNCHANGED}


def _snapshot(example: GoodExample) -> dict[str, Any]:
    return snapshot(example, EXAMPLE_FIELDS)


@transaction.atomic
def example_create(
    *,
    actor: Any,
    data: ExampleIn | Mapping[str, Any] | None = None,
    organisation: Organisation | None = None,
    review: Review | None = None,
    requirement_keys: Sequence[str] = (),
    **fields: Any,
) -> GoodExample:
    """A good example: ``data`` or the keyword arguments are ``ExampleIn``'s fields
    (``requirement_keys`` its ``requirements``); ``organisation`` and ``review`` are the
    objects its ids name."""
    if actor is not None:
        policies.require(policies.may_write_examples, actor)
    known_fields(fields, ExampleIn)
    refs = _ids(organisation=organisation, review=review)
    payload = ExampleIn.take(data, **fields, **refs, requirements=list(requirement_keys))
    if organisation is None:
        raise TypeError("example_create needs the organisation its data names")
    _check_organisation(actor, organisation)
    _check_requirements(payload.requirements)
    example = GoodExample.objects.create(
        title=payload.title,
        text=payload.text,
        organisation=organisation,
        requirement_keys=payload.requirements,
        review=review,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_log(actor=actor, action="reviews.example.created", obj=example, new=_snapshot(example))
    return example


def require_example_editor(actor: Any, example: GoodExample) -> None:
    """The city, or a coordinator whose scope holds the example's organisation; others get
    404 as for anything outside their scope (``policies.may_write_examples`` first)."""
    if actor is not None:
        policies.require(policies.may_write_examples, actor)
    if actor is not None and not scope_for(actor).covers(example.organisation):
        raise NotFound()


@transaction.atomic
def example_update(
    *,
    actor: Any,
    example: GoodExample,
    data: ExamplePatch | Mapping[str, Any] | None = None,
    organisation: Any = UNCHANGED,
    review: Any = UNCHANGED,
    requirement_keys: Any = UNCHANGED,
    **fields: Any,
) -> GoodExample:
    """Change the fields given (``ExamplePatch``'s; null is not changing). ``organisation``
    and ``review`` are the objects the model's ids name, given when they change (a ``review``
    of None takes the example off its review)."""
    example = (
        GoodExample.objects.select_for_update().select_related("organisation").get(pk=example.pk)
    )
    require_example_editor(actor, example)
    known_fields(fields, ExamplePatch)
    if requirement_keys is not UNCHANGED:
        fields["requirements"] = requirement_keys
    payload = ExamplePatch.take(data, **fields, **_ids(organisation=organisation, review=review))
    before = _snapshot(example)
    if payload.title is not None:
        example.title = payload.title
    if payload.text is not None:
        example.text = payload.text
    if organisation is not UNCHANGED and organisation is not None:
        _check_organisation(actor, organisation)
        example.organisation = organisation
    if payload.requirements is not None:
        _check_requirements(payload.requirements)
        example.requirement_keys = payload.requirements
    if review is not UNCHANGED:
        example.review = review
    example.save()
    old, new = changes(before, _snapshot(example))
    if new:
        audit_log(actor=actor, action="reviews.example.updated", obj=example, old=old, new=new)
    return example


@transaction.atomic
def example_delete(*, actor: Any, example: GoodExample) -> None:
    require_example_editor(actor, example)
    audit_log(actor=actor, action="reviews.example.deleted", obj=example, old=_snapshot(example))
    example.delete()
