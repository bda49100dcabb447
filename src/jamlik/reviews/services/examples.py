"""Good examples (goda exempel): short write-ups of how one organisation meets requirements.

Any staff user may write one for an organisation in their scope; the city writes for all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jamlik.assessments.models import Requirement
from jamlik.core.audit import audit_log, changes, snapshot
from jamlik.core.errors import NotFound
from jamlik.core.scoping import scope_for
from jamlik.reviews import policies
from jamlik.reviews.models import GoodExample
from jamlik.reviews.services.common import MAX_REFERENCES, Cleaner

EXAMPLE_FIELDS = ("title", "text", "organisation", "requirement_keys", "review")


def _check_organisation(actor: Any, organisation: Any, cleaner: Cleaner) -> None:
    if organisation is None:
        cleaner.add("organisation", _("This field is required."))
    elif actor is not None and not scope_for(actor).covers(organisation):
        cleaner.add("organisation", _("Unknown organisation: %(id)s.") % {"id": organisation.pk})


def clean_requirement_keys(keys: Any, cleaner: Cleaner, field: str = "requirements") -> list[str]:
    """Known requirement keys of any framework version, without repeats, in the order given."""
    if not isinstance(keys, (list, tuple)):
        cleaner.add(field, _("Enter a list."))
        return []
    if len(keys) > MAX_REFERENCES:
        cleaner.add(field, _("Too many items."))
        return []
    wanted: list[str] = []
    for key in keys:
        if not isinstance(key, str) or not key.strip() or len(key) > 100:
            cleaner.add(field, _("Unknown requirement: %(key)s.") % {"key": str(key)[:100]})
            return []
        if key.strip() not in wanted:
            wanted.append(key.strip())
    known = set(Requirement.objects.filter(key__in=wanted).values_list("key", flat=True))
    for key in wanted:
        if key not in known:
            cleaner.add(field, _("Unknown requirement: %(key)s.") % {"key": key})
    return wanted


def _snapshot(example: GoodExample) -> dict[str, Any]:
    return snapshot(example, ("title", "text", "organisation", "requirement_keys", "review"))


@transaction.atomic
def example_create(
    *,
    actor: Any,
    title: Any,
    text: Any,
    organisation: Any,
    requirement_keys: Sequence[str] = (),
    review: Any = None,
) -> GoodExample:
    if actor is not None:
        policies.require(policies.may_write_examples, actor)
    cleaner = Cleaner()
    example = GoodExample(
        title=cleaner.text("title", title),
        text=cleaner.text("text", text, max_length=10_000, multiline=True),
        review=review,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _check_organisation(actor, organisation, cleaner)
    example.requirement_keys = clean_requirement_keys(list(requirement_keys), cleaner)
    cleaner.check()
    example.organisation = organisation
    example.full_clean()
    example.save()
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
def example_update(*, actor: Any, example: GoodExample, **data: Any) -> GoodExample:
    unknown = set(data) - set(EXAMPLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown example fields: {sorted(unknown)}")
    example = (
        GoodExample.objects.select_for_update().select_related("organisation").get(pk=example.pk)
    )
    require_example_editor(actor, example)
    cleaner = Cleaner()
    before = _snapshot(example)
    if "title" in data:
        example.title = cleaner.text("title", data["title"])
    if "text" in data:
        example.text = cleaner.text("text", data["text"], max_length=10_000, multiline=True)
    if "organisation" in data:
        _check_organisation(actor, data["organisation"], cleaner)
    if "requirement_keys" in data:
        example.requirement_keys = clean_requirement_keys(data["requirement_keys"], cleaner)
    cleaner.check()
    if "organisation" in data:
        example.organisation = data["organisation"]
    if "review" in data:
        example.review = data["review"]
    example.full_clean()
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
