"""Read queries of the reviews app, scoped to the caller.

Who sees what:

- Reviews, milestones, group notes, good examples and the board report hold no personal data
  beyond what a case officer writes, and the review is the city's common work: all staff see
  them. Changing reviews, forming groups, writing notes and the report is for the city
  (administrators and city coordinators; others get 403 from the services).
- Breakout groups list people (registrations). An org coordinator sees every group's number
  and size, but as members only the registrations of their own organisation's subtree
  (``Scope.filter``); everybody else in the group is left out, as elsewhere in the app.
- The board report's figures come from the assessments summary selector called with the
  reader; the report export is for the city only, so the figures are the city-wide ones.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet

from jamlik.assessments.models import Campaign
from jamlik.core.errors import Invalid, NotFound
from jamlik.core.lookups import get_or_404, valid_id
from jamlik.core.scoping import scope_for
from jamlik.events import selectors as event_selectors
from jamlik.events.models import Event, EventKind, Registration, Status
from jamlik.events.selectors._common import people_visible_to
from jamlik.reviews.models import (
    BoardReport,
    Breakout,
    BreakoutMember,
    BreakoutNotes,
    GoodExample,
    Milestone,
    Review,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

MAX_QUERY = 200  # characters of a search


# ---- Reviews -------------------------------------------------------------------------------


def review_list(*, user: Any) -> QuerySet[Review]:
    return (
        Review.objects.select_related("owner")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due", "order", "id")),
            Prefetch("campaigns", queryset=Campaign.objects.only("pk", "title", "opens_at")),
            Prefetch("workshops", queryset=Event.objects.only("pk", "title", "starts_at", "kind")),
        )
        .order_by("-created_at", "-id")
    )


def review_get(*, user: Any, pk: Any) -> Review:
    return get_or_404(review_list(user=user), pk)


def milestone_get(*, user: Any, review: Review, pk: Any) -> Milestone:
    return get_or_404(Milestone.objects.filter(review=review), pk)


def campaign_choices(*, user: Any) -> QuerySet[Campaign]:
    return Campaign.objects.only("pk", "title", "opens_at").order_by("-opens_at", "-id")


def workshop_choices(*, user: Any) -> QuerySet[Event]:
    return Event.objects.filter(kind=EventKind.WORKSHOP).order_by("-starts_at", "-id")


def workshop_refs(ids: Iterable[Any], *, field: str = "workshops") -> list[Event]:
    """Events named by id in a body: unknown ids are a 400; the kind is checked by the
    service."""
    ids = list(ids)
    found = {e.pk: e for e in Event.objects.filter(pk__in=[i for i in ids if valid_id(i)])}
    missing = [i for i in ids if i not in found]
    if missing:
        raise Invalid.field(field, _unknown("event", missing[0]))
    return [found[i] for i in dict.fromkeys(ids)]


def campaign_refs(ids: Iterable[Any], *, user: Any, field: str = "campaigns") -> list[Campaign]:
    """Campaigns named by id in a body: unknown ids are a 400."""
    ids = list(ids)
    found = {c.pk: c for c in Campaign.objects.filter(pk__in=[i for i in ids if valid_id(i)])}
    missing = [i for i in ids if i not in found]
    if missing:
        raise Invalid.field(field, _unknown("campaign", missing[0]))
    return [found[i] for i in dict.fromkeys(ids)]


def _unknown(kind: str, pk: Any) -> str:
    from django.utils.translation import gettext as _

    messages = {
        "event": _("Unknown event: %(id)s."),
        "campaign": _("Unknown campaign: %(id)s."),
        "review": _("Unknown review: %(id)s."),
    }
    return messages[kind] % {"id": pk}


def review_ref(pk: Any, *, field: str = "review") -> Review | None:
    if pk is None:
        return None
    review = Review.objects.filter(pk=pk).first() if valid_id(pk) else None
    if review is None:
        raise Invalid.field(field, _unknown("review", pk))
    return review


# ---- Breakout groups -------------------------------------------------------------------------


def event_get(*, user: Any, pk: Any) -> Event:
    """Any event (events are visible to all staff, docs/api.md#scoping)."""
    return event_selectors.event_get(user=user, pk=pk)


class BreakoutFigures(TypedDict):
    """What ``breakout_list`` adds to each group (for the type checker)."""

    total: int
    visible_members: list[BreakoutMember]


def breakout_list(*, user: Any, event: Event) -> list[WithAnnotations[Breakout, BreakoutFigures]]:
    """The event's groups in number order, each with ``total`` (its size) and its members
    (``visible_members``: memberships with registration and organisation) narrowed to what
    the user may see. Three queries whatever the number of groups and people."""
    memberships = people_visible_to(
        user,
        scope_for(user).filter(
            BreakoutMember.objects.select_related("registration__organisation").order_by(
                "registration__name", "registration_id"
            ),
            via="registration__organisation",
        ),
        via="registration",
    )
    return list(
        Breakout.objects.filter(event=event)
        .annotate(total=Count("memberships"))
        .prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="visible_members"))
        .select_related("notes")
        .order_by("number")
    )


def breakout_get(*, user: Any, event: Event, number: Any) -> Breakout:
    if not isinstance(number, int) or isinstance(number, bool) or not 0 < number < 2**15:
        raise NotFound()
    breakout = (
        Breakout.objects.filter(event=event, number=number).select_related("event", "notes").first()
    )
    if breakout is None:
        raise NotFound()
    return breakout


def breakout_get_by_pk(*, user: Any, pk: Any) -> Breakout:
    return get_or_404(Breakout.objects.select_related("event", "notes"), pk)


def breakout_members(*, user: Any, breakout: Breakout) -> list[BreakoutMember]:
    return list(
        people_visible_to(
            user,
            scope_for(user).filter(
                BreakoutMember.objects.filter(breakout=breakout)
                .select_related("registration__organisation")
                .order_by("registration__name", "registration_id"),
                via="registration__organisation",
            ),
            via="registration",
        )
    )


def participants_without_group(*, user: Any, event: Event) -> list[Registration]:
    """Confirmed participants the user may see who are in no group (e.g. confirmed after the
    groups were formed)."""
    grouped = BreakoutMember.objects.filter(event=event).values("registration_id")
    return list(
        people_visible_to(
            user,
            scope_for(user).filter(
                Registration.objects.filter(event=event, status=Status.CONFIRMED),
                via="organisation",
            ),
        )
        .exclude(pk__in=grouped)
        .select_related("organisation")
        .order_by("name", "id")
    )


def registration_for_event(*, user: Any, event: Event, pk: Any, field: str) -> Registration:
    """A registration of the event named in a body; unknown or invisible ids are a 400."""
    registration = None
    if valid_id(pk):
        registration = (
            scope_for(user)
            .filter(Registration.objects.filter(event=event), via="organisation")
            .filter(pk=pk)
            .first()
        )
    if registration is None:
        from django.utils.translation import gettext as _

        raise Invalid.field(field, _("Unknown participant: %(id)s.") % {"id": pk})
    return registration


def workshop_notes(*, events: Iterable[Event]) -> list[BreakoutNotes]:
    """The recorded notes of the events' groups, for the report's workshop themes."""
    return list(
        BreakoutNotes.objects.filter(breakout__event__in=list(events))
        .exclude(shared="", questions="", wishes="")
        .select_related("breakout__event")
        .annotate(members=Count("breakout__memberships"))
        .order_by("breakout__event__starts_at", "breakout__event_id", "breakout__number")
    )


# ---- Good examples --------------------------------------------------------------------------


def _search(examples: QuerySet[GoodExample], q: str) -> QuerySet[GoodExample]:
    q = " ".join(q.split())[:MAX_QUERY]
    if not q:
        return examples
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            SearchVector("title", weight="A", config="swedish")
            + SearchVector("text", weight="B", config="swedish")
            + SearchVector("organisation__name", weight="C", config="swedish")
        )
        query = SearchQuery(q, config="swedish", search_type="websearch")
        # A match of the document against the query (``@@``); the title's plain substring
        # also counts, so a code or a name that the stemmer changes is still found.
        return (
            examples.annotate(document=vector, rank=SearchRank(vector, query))
            .filter(Q(document=query) | Q(title__icontains=q))
            .order_by("-rank", "-created_at", "-id")
        )
    # The simple fallback (SQLite): every word must occur in the title, text or organisation.
    for word in q.split()[:10]:
        examples = examples.filter(
            Q(title__icontains=word)
            | Q(text__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    return examples


def example_search(
    *,
    user: Any,
    q: str | None = None,
    requirement: str | None = None,
    organisation: Any = None,
) -> QuerySet[GoodExample]:
    """Good examples, newest first; ``q`` searches title, text and organisation name
    (PostgreSQL: full-text search with the Swedish configuration, ranked; elsewhere: every
    word as a case-insensitive substring)."""
    examples = GoodExample.objects.select_related("organisation", "review", "created_by")
    if organisation is not None:
        examples = examples.filter(organisation__path__startswith=organisation.path)
    if requirement:
        examples = _with_requirement(examples, requirement)
    examples = examples.order_by("-created_at", "-id")
    if q:
        examples = _search(examples, q)
    return examples


def _keys_condition(keys: Iterable[str]) -> Q:
    """Examples naming any of ``keys``. PostgreSQL: JSON containment (jsonb @>); SQLite's
    JSON has none, so the quoted key is matched inside the array's text (keys are slugs)."""
    condition = Q()
    for key in keys:
        if connection.vendor == "postgresql":
            condition |= Q(requirement_keys__contains=[key])
        else:
            condition |= Q(requirement_keys__icontains=json.dumps(key))
    return condition


def _with_requirement(examples: QuerySet[GoodExample], key: str) -> QuerySet[GoodExample]:
    return examples.filter(_keys_condition([key]))


def example_get(*, user: Any, pk: Any) -> GoodExample:
    return get_or_404(GoodExample.objects.select_related("organisation", "review"), pk)


def example_editable(*, user: Any, example: GoodExample) -> bool:
    return scope_for(user).covers(example.organisation)


def examples_for_requirements(
    *, user: Any, keys: Iterable[str], per_requirement: int = 3
) -> dict[str, list[GoodExample]]:
    """Up to ``per_requirement`` newest examples for each requirement key; one query."""
    keys = [k for k in dict.fromkeys(keys) if k]
    if not keys:
        return {}
    found: dict[str, list[GoodExample]] = defaultdict(list)
    wanted = set(keys)
    for example in (
        GoodExample.objects.select_related("organisation")
        .filter(_keys_condition(keys))
        .order_by("-created_at", "-id")
    ):
        for key in example.requirement_keys:
            if key in wanted and len(found[key]) < per_requirement:
                found[key].append(example)
    return dict(found)


# ---- The board report -----------------------------------------------------------------------


def board_report_get(*, user: Any, review: Review) -> BoardReport | None:
    return BoardReport.objects.filter(review=review).first()


# ---- Requirements (for choices and labels) --------------------------------------------------


def requirement_choices() -> list[tuple[str, str]]:
    """Every requirement key of the loaded frameworks with its newest text (in the active
    language, assessments.texts), in framework order (keys are stable across versions, so
    one key is one choice)."""
    from jamlik.assessments.models import Requirement
    from jamlik.assessments.texts import localized

    seen: dict[str, str] = {}
    for key, text, text_en in Requirement.objects.order_by(
        "-framework__loaded_at", "-framework_id", "area__order", "order"
    ).values_list("key", "text", "text_en"):
        if key not in seen:
            seen[key] = localized({"text": text, "text_en": text_en}, "text")
    return [(key, f"{key} – {_shorten(text)}") for key, text in seen.items()]


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
