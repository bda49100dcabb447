"""Following the registry's successors when a campaign is compared with an earlier one
(docs/rules.md, "Comparison across merges and splits").

Organisations merge (several earlier ones name the same successor) or are replaced along a
chain (A → B → C); a split is one earlier organisation with several successors. The earlier
campaign's answers then sit under organisations that no longer exist, so the comparison
takes the earlier figures of an organisation from its predecessors as well.

``predecessors_of`` is the pure mapping (ids in, ids out; no database); ``successor_links``
and ``comparison_successions`` read the registry and the earlier campaign for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import ngettext

from jamlik.orgs.models import Organisation


def predecessors_of(
    current: Iterable[int],
    earlier: Iterable[int],
    successors: Mapping[int, Sequence[int]],
) -> dict[int, list[int]]:
    """Which earlier organisations each current organisation is compared with through the
    successor links: ``{current id: [earlier ids, sorted]}``, only current organisations
    with at least one such predecessor.

    Each earlier organisation is walked along ``successors`` (an organisation's successor
    ids: one for a merge or a renaming, several for a split) until it reaches a current
    organisation, which ends that path; a chain (A → B → C) reaches C through B, a merge
    gives C several predecessors, a split gives each successor the same predecessor. An
    earlier organisation that is itself current is compared with itself and not walked;
    one whose links end without reaching a current organisation is compared with nothing.
    A loop in the links (the registry refuses them) ends the walk instead of hanging."""
    targets = set(current)
    found: dict[int, set[int]] = defaultdict(set)
    for start in set(earlier):
        if start in targets:
            continue
        seen = {start}
        stack = list(successors.get(start, ()))
        while stack:
            org = stack.pop()
            if org in seen:
                continue
            seen.add(org)
            if org in targets:
                found[org].add(start)
            else:
                stack.extend(successors.get(org, ()))
    return {org: sorted(ids) for org, ids in found.items()}


def successor_links() -> dict[int, list[int]]:
    """The registry's successor links as ``{organisation id: [successor ids]}`` (one query,
    the other successors joined in): an organisation's ``successor`` first, then, when it
    was split, its other successors (``other_successors``) — every organisation that took
    over part of it."""
    links: dict[int, list[int]] = defaultdict(list)
    rows = (
        Organisation.objects.filter(successor__isnull=False)
        .values_list("pk", "successor_id", "other_successors")
        .order_by("pk", "other_successors")
    )
    for pk, successor_id, other_id in rows:
        found = links[pk]
        if not found:
            found.append(successor_id)
        if other_id is not None and other_id not in found:
            found.append(other_id)
    return dict(links)


@dataclass
class Succession:
    """A current organisation compared with its predecessors in the earlier campaign."""

    organisation_id: int
    organisation_name: str
    predecessors: list[tuple[int, str]] = field(default_factory=list)  # (id, name)

    @property
    def note(self) -> str:
        """The visible note, in the active language."""
        names = ", ".join(name for _pk, name in self.predecessors)
        return ngettext(
            "%(organisation)s: compared with predecessor %(names)s",
            "%(organisation)s: compared with predecessors %(names)s",
            len(self.predecessors),
        ) % {"organisation": self.organisation_name, "names": names}

    def as_api(self) -> dict[str, object]:
        return {
            "organisation": self.organisation_id,
            "organisation_name": self.organisation_name,
            "predecessors": [{"id": pk, "name": name} for pk, name in self.predecessors],
            "note": self.note,
        }


def successions(
    current: Iterable[int],
    earlier: Iterable[int],
    links: Mapping[int, Sequence[int]],
    names: Mapping[int, str],
) -> list[Succession]:
    """``predecessors_of`` with the organisations' names, sorted by the current name."""
    mapping = predecessors_of(current, earlier, links)
    result = [
        Succession(
            organisation_id=org,
            organisation_name=names.get(org, str(org)),
            predecessors=sorted(
                ((pk, names.get(pk, str(pk))) for pk in ids), key=lambda p: (p[1].lower(), p[0])
            ),
        )
        for org, ids in mapping.items()
    ]
    return sorted(result, key=lambda s: (s.organisation_name.lower(), s.organisation_id))
