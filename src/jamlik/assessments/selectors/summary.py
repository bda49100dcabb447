"""The campaign's summary figures (``campaign_summary``) and heat map as aggregate queries:
a handful of GROUP BY statements whatever the number of units, over ``Answer.normalised``
(the answer's score on 0–100 stored when the answer was saved). Python only combines the
aggregated rows (a few hundred at most), never the answers themselves."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    prefetch_related_objects,
)

from jamlik.assessments.models import (
    Answer,
    Area,
    Campaign,
    Requirement,
    Response,
    ResponseStatus,
)
from jamlik.assessments.selectors.campaigns import _responses, framework_structure
from jamlik.assessments.selectors.successors import (
    Succession,
    predecessors_of,
    successions,
    successor_links,
)
from jamlik.assessments.texts import localized
from jamlik.core.scoping import Scope, scope_for
from jamlik.orgs.models import Organisation

WEAKEST = 10


@dataclass
class RequirementResult:
    key: str
    area: str
    text: str
    reference: str
    order: int
    options: list[dict[str, Any]]  # the requirement's scale: value, label, label_en?, score
    counts: dict[str, int]  # every value of the scale, 0 when nobody chose it
    answered: int = 0  # answers with a value (scored or not)
    scored: int = 0  # answers with a score
    score: float | None = None  # mean normalised score 0–100
    text_en: str = ""  # the English text, blank when none (texts.localized picks)

    def label(self, value: str) -> str:
        """The value's label in the active language (texts.localized)."""
        return next((localized(o, "label") for o in self.options if o["value"] == value), value)


@dataclass
class AreaResult:
    key: str
    title: str
    answered: int = 0
    scored: int = 0
    score: float | None = None
    title_en: str = ""  # the English title, blank when none (texts.localized picks)


@dataclass
class OrganisationResult:
    id: int
    name: str
    responses: int
    submitted: int
    areas: dict[str, float | None]
    short_name: str = ""  # blank: none (the heat map shows the name)


@dataclass
class Change:
    key: str
    score: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous


@dataclass
class Comparison:
    campaign: int
    title: str
    areas: list[Change]
    requirements: list[Change]
    responses: int = 0  # the earlier campaign's units and submitted responses (same scope)
    submitted: int = 0
    # Organisations compared with their predecessors (merges, splits; selectors.successors).
    successions: list[Succession] = field(default_factory=list)

    @property
    def response_rate(self) -> float:
        return self.submitted / self.responses if self.responses else 0.0

    @property
    def notes(self) -> list[str]:
        """The successions' notes ("X: compared with predecessor Y"), active language."""
        return [s.note for s in self.successions]


@dataclass
class Summary:
    campaign: Campaign
    organisation: Organisation | None
    responses: int
    submitted: int
    areas: list[AreaResult]
    requirements: list[RequirementResult]
    organisations: list[OrganisationResult]
    comparison: Comparison | None = None

    @property
    def response_rate(self) -> float:
        return self.submitted / self.responses if self.responses else 0.0

    @property
    def weakest(self) -> list[RequirementResult]:
        scored = [r for r in self.requirements if r.score is not None]
        return sorted(scored, key=lambda r: (r.score, r.order))[:WEAKEST]

    def as_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "response_rate": self.response_rate,
            "responses": self.responses,
            "submitted": self.submitted,
            "areas": [
                {
                    "key": a.key,
                    "title": a.title,
                    "title_en": a.title_en,
                    "score": a.score,
                    "answered": a.answered,
                    "scored": a.scored,
                }
                for a in self.areas
            ],
            "requirements": [
                {
                    "key": r.key,
                    "area": r.area,
                    "counts": r.counts,
                    "score": r.score,
                    "answered": r.answered,
                    "scored": r.scored,
                }
                for r in self.requirements
            ],
            "organisations": [
                {
                    "id": o.id,
                    "name": o.name,
                    "responses": o.responses,
                    "submitted": o.submitted,
                    "areas": o.areas,
                }
                for o in self.organisations
            ],
            "weakest": [r.key for r in self.weakest],
        }
        if self.comparison is not None:
            body["comparison"] = {
                "campaign": self.comparison.campaign,
                "title": self.comparison.title,
                "areas": [_change(c) for c in self.comparison.areas],
                "requirements": [_change(c) for c in self.comparison.requirements],
                "successions": [s.as_api() for s in self.comparison.successions],
            }
        return body


def _change(change: Change) -> dict[str, Any]:
    return {
        "key": change.key,
        "score": change.score,
        "previous": change.previous,
        "change": change.change,
    }


def _under(paths: Sequence[str], via: str) -> Q:
    """Rows whose organisation (through ``via``) lies in one of the subtrees ``paths``
    (none when there are no paths)."""
    if not paths:
        return Q(pk__in=[])
    within = Q(**{f"{via}__path__startswith": paths[0]})
    for path in paths[1:]:
        within |= Q(**{f"{via}__path__startswith": path})
    return within


def _submitted_answers(
    campaign: Campaign,
    scope: Scope,
    organisation: Organisation | None,
    also: Sequence[str] = (),
) -> QuerySet[Answer]:
    """The submitted answers in scope, within ``organisation`` when given and then also
    within the subtrees ``also`` (its predecessors' paths, for an earlier campaign)."""
    answers = Answer.objects.filter(
        response__campaign=campaign, response__status=ResponseStatus.SUBMITTED
    )
    answers = scope.filter(answers, via="response__unit")
    if organisation is not None:
        answers = answers.filter(_under([organisation.path, *also], "response__unit"))
    return answers.exclude(value="").order_by()


def _requirement_results(
    campaign: Campaign,
    scope: Scope,
    organisation: Organisation | None,
    also: Sequence[str] = (),
) -> tuple[list[AreaResult], list[RequirementResult], dict[int, str]]:
    """Per requirement and value: count and sum of scores, one GROUP BY; areas pool their
    requirements' sums (the mean of every scored answer in the area). Also returns the
    area keys by id."""
    framework = campaign.framework
    prefetch_related_objects(
        [framework],
        Prefetch("areas", queryset=Area.objects.order_by("order")),
        Prefetch("requirements", queryset=Requirement.objects.order_by("order")),
    )
    structure = framework_structure(framework)
    rows = (
        _submitted_answers(campaign, scope, organisation, also)
        .values("requirement_id", "value")
        .annotate(n=Count("id"), scored=Count("normalised"), total=Sum("normalised"))
    )
    by_requirement: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_requirement[row["requirement_id"]].append(row)
    areas: list[AreaResult] = []
    requirements: list[RequirementResult] = []
    for area, area_requirements in structure:
        area_result = AreaResult(key=area.key, title=area.title, title_en=area.title_en)
        area_total = 0.0
        for requirement in area_requirements:
            options = framework.scale(requirement.scale_name)
            result = RequirementResult(
                key=requirement.key,
                area=area.key,
                text=requirement.text,
                text_en=requirement.text_en,
                reference=requirement.reference,
                order=requirement.order,
                options=options,
                counts={o["value"]: 0 for o in options},
            )
            total = 0.0
            for row in by_requirement.get(requirement.pk, []):
                result.counts[row["value"]] = result.counts.get(row["value"], 0) + row["n"]
                result.answered += row["n"]
                result.scored += row["scored"]
                total += row["total"] or 0.0
            if result.scored:
                result.score = total / result.scored
            area_result.answered += result.answered
            area_result.scored += result.scored
            area_total += total
            requirements.append(result)
        if area_result.scored:
            area_result.score = area_total / area_result.scored
        areas.append(area_result)
    return areas, requirements, {area.pk: area.key for area, _r in structure}


def _organisation_results(
    campaign: Campaign,
    scope: Scope,
    organisation: Organisation | None,
    area_keys: dict[int, str],
    counts: list[dict[str, Any]],
) -> list[OrganisationResult]:
    """The heat map: mean score per named organisation × area, one GROUP BY."""
    cells = (
        _submitted_answers(campaign, scope, organisation)
        .filter(normalised__isnull=False)
        .values("response__organisation_id", "requirement__area_id")
        .annotate(scored=Count("id"), total=Sum("normalised"))
    )
    scores: dict[int, dict[str, float | None]] = defaultdict(dict)
    for cell in cells:
        key = area_keys.get(cell["requirement__area_id"])
        if key is not None and cell["scored"]:
            scores[cell["response__organisation_id"]][key] = cell["total"] / cell["scored"]
    names = {
        pk: (name, short_name)
        for pk, name, short_name in Organisation.objects.filter(
            pk__in=[c["organisation_id"] for c in counts]
        ).values_list("pk", "name", "short_name")
    }
    result = [
        OrganisationResult(
            id=c["organisation_id"],
            name=names.get(c["organisation_id"], ("", ""))[0],
            short_name=names.get(c["organisation_id"], ("", ""))[1],
            responses=c["responses"],
            submitted=c["submitted"],
            areas={key: scores[c["organisation_id"]].get(key) for key in area_keys.values()},
        )
        for c in counts
    ]
    return sorted(result, key=lambda o: (o.name.lower(), o.id))


def _response_counts(
    campaign: Campaign, scope: Scope, organisation: Organisation | None
) -> list[dict[str, Any]]:
    return list(
        _responses(campaign, scope, organisation)
        .order_by()
        .values("organisation_id")
        .annotate(
            responses=Count("id"),
            submitted=Count("id", filter=Q(status=ResponseStatus.SUBMITTED)),
        )
    )


def _response_counts_of_both(
    campaign: Campaign,
    compare_to: Campaign | None,
    scope: Scope,
    organisation: Organisation | None,
    also: Sequence[str] = (),
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The response counts of the campaign and of the one compared with, in one query
    (the earlier one's also within the subtrees ``also``, see ``_submitted_answers``)."""
    if compare_to is None:
        return _response_counts(campaign, scope, organisation), []
    responses = scope.filter(
        Response.objects.filter(campaign__in=[campaign.pk, compare_to.pk]), via="unit"
    )
    if organisation is not None:
        within = _under([organisation.path], "unit")
        if also:
            within |= Q(campaign=compare_to.pk) & _under(also, "unit")
        responses = responses.filter(within)
    rows = list(
        responses.order_by()
        .values("campaign_id", "organisation_id")
        .annotate(
            responses=Count("id"),
            submitted=Count("id", filter=Q(status=ResponseStatus.SUBMITTED)),
        )
    )
    current = [r for r in rows if r["campaign_id"] == campaign.pk]
    previous = [r for r in rows if r["campaign_id"] == compare_to.pk]
    return current, previous


def _predecessor_subtrees(
    compare_to: Campaign,
    scope: Scope,
    organisation: Organisation,
    links: dict[int, list[int]],
) -> tuple[list[Succession], list[str]]:
    """For a comparison within ``organisation``: the predecessors of the organisations in
    its subtree (merges, chains, splits) under which the earlier campaign has responses the
    user may see, as successions to show and as the paths to add to the earlier figures.
    Scoping is unchanged: responses outside the user's scope neither count nor name a
    predecessor."""
    subtree = dict(
        Organisation.objects.filter(path__startswith=organisation.path).values_list("pk", "name")
    )
    mapping = predecessors_of(subtree, links, links)
    candidates = {pk for ids in mapping.values() for pk in ids}
    if not candidates:
        return [], []
    found = {
        pk: (path, name)
        for pk, path, name in Organisation.objects.filter(pk__in=candidates).values_list(
            "pk", "path", "name"
        )
    }
    unit_paths = set(
        scope.filter(Response.objects.filter(campaign=compare_to), via="unit")
        .order_by()
        .values_list("unit__path", flat=True)
        .distinct()
    )
    answered = sorted(
        pk for pk, (path, _name) in found.items() if any(u.startswith(path) for u in unit_paths)
    )
    names = {**subtree, **{pk: name for pk, (_path, name) in found.items()}}
    return successions(subtree, answered, links, names), [found[pk][0] for pk in answered]


def _named_successions(
    counts: list[dict[str, Any]],
    previous_counts: list[dict[str, Any]],
    links: dict[int, list[int]],
) -> list[Succession]:
    """The named organisations of the campaign whose predecessors were named in the
    earlier one (both as counted: in scope, within the filter and its predecessors)."""
    current = {c["organisation_id"] for c in counts}
    earlier = {c["organisation_id"] for c in previous_counts}
    mapping = predecessors_of(current, earlier, links)
    if not mapping:
        return []
    ids = set(mapping) | {pk for pks in mapping.values() for pk in pks}
    names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
    return successions(current, earlier, links, names)


def _merged(first: list[Succession], second: list[Succession]) -> list[Succession]:
    """Both lists of successions, one per organisation with the predecessors of both."""
    by_id: dict[int, Succession] = {}
    for succession in [*first, *second]:
        known = by_id.setdefault(
            succession.organisation_id,
            Succession(succession.organisation_id, succession.organisation_name),
        )
        known.predecessors = sorted(
            set(known.predecessors) | set(succession.predecessors),
            key=lambda p: (p[1].lower(), p[0]),
        )
    return sorted(by_id.values(), key=lambda s: (s.organisation_name.lower(), s.organisation_id))


def campaign_heat_map(
    *, user: Any, campaign: Campaign, organisation: Organisation | None = None
) -> list[OrganisationResult]:
    """The heat map alone: per named organisation of the campaign its units, submitted
    responses and mean score per area (four queries)."""
    scope = scope_for(user)
    area_keys = dict(
        Area.objects.filter(framework_id=campaign.framework_id).values_list("pk", "key")
    )
    counts = _response_counts(campaign, scope, organisation)
    return _organisation_results(campaign, scope, organisation, area_keys, counts)


def campaign_summary(
    *,
    user: Any,
    campaign: Campaign,
    organisation: Organisation | None = None,
    compare_to: Campaign | None = None,
    heat_map: bool = True,
) -> Summary:
    """The campaign's figures over the submitted responses the user may see (within
    ``organisation`` when given): response rate, per area and requirement the answers and
    the score, the heat map of named organisations × areas, and optionally the comparison
    with an earlier campaign on the same requirement keys (same scope and filter; the
    filter takes in the predecessors of merged, renamed or split organisations, named in
    ``Comparison.successions``, docs/rules.md)."""
    scope = scope_for(user)
    links: dict[int, list[int]] = {}
    noted: list[Succession] = []
    also: list[str] = []  # the predecessors' paths, for the earlier campaign's figures
    if compare_to is not None:
        links = successor_links()
        if organisation is not None and links:
            noted, also = _predecessor_subtrees(compare_to, scope, organisation, links)
    counts, previous_counts = _response_counts_of_both(
        campaign, compare_to, scope, organisation, also
    )
    areas, requirements, area_keys = _requirement_results(campaign, scope, organisation)
    organisations: list[OrganisationResult] = []
    if heat_map:
        organisations = _organisation_results(campaign, scope, organisation, area_keys, counts)
    summary = Summary(
        campaign=campaign,
        organisation=organisation,
        responses=sum(c["responses"] for c in counts),
        submitted=sum(c["submitted"] for c in counts),
        areas=areas,
        requirements=requirements,
        organisations=organisations,
    )
    if compare_to is not None:
        previous_areas, previous_requirements, _keys = _requirement_results(
            compare_to, scope, organisation, also
        )
        if links:
            # Within a filter that holds both sides of a merge no subtree is added, but
            # the named organisations still say whom they are compared with.
            noted = _merged(noted, _named_successions(counts, previous_counts, links))
        before_area = {a.key: a.score for a in previous_areas}
        before_requirement = {r.key: r.score for r in previous_requirements}
        summary.comparison = Comparison(
            campaign=compare_to.pk,
            title=compare_to.title,
            areas=[Change(a.key, a.score, before_area.get(a.key)) for a in areas],
            requirements=[
                Change(r.key, r.score, before_requirement.get(r.key)) for r in requirements
            ],
            responses=sum(c["responses"] for c in previous_counts),
            submitted=sum(c["submitted"] for c in previous_counts),
            successions=noted,
        )
    return summary
