"""Form small, mixed workshop breakout groups.

Given the ``n`` confirmed participants of an event, a target group ``size`` and an integer
``seed``, :func:`form_groups` splits the participants into ``ceil(n / size)`` groups whose sizes
differ by at most one, optimising lexicographically:

1. as few pairs of people from the same organisation in one group as possible;
2. as few pairs of people whose organisations share a kind in one group as possible;
3. determinism: the same participants (in any order), size and seed always give the same groups,
   while different seeds generally give different, equally good groups.

Both objectives are measured as ``sum over groups of sum over values of C(k, 2)`` where ``k`` is
the number of members of the group having that organisation (resp. kind).

Algorithm and why it is optimal
-------------------------------
Let ``g`` be the number of groups. For a single organisation with ``k`` members, any split over
``g`` groups costs at least the cost of the most even split (``k mod g`` groups get
``ceil(k / g)`` members, the others ``floor(k / g)``), because ``C(x, 2)`` is convex. Summing this
per-organisation bound gives a lower bound for *every* partition into ``g`` groups, whatever the
capacities (:func:`minimum_same_organisation_pairs`).

The bound is attained by a cyclic deal: arrange the participants in a sequence in which every
organisation occupies one contiguous block, then put position ``i`` into group ``i mod g``. A
block of ``k`` consecutive positions hits every residue class ``floor(k / g)`` or ``ceil(k / g)``
times, and the residue classes themselves have the balanced sizes of :func:`group_sizes`. If the
organisation blocks are additionally nested inside contiguous *kind* blocks, the same argument
makes every kind spread evenly too, so objective 2 reaches its own unconditional lower bound
(:func:`minimum_same_kind_pairs`) at the same time. The seed only chooses the order of the kind
blocks, of the organisations inside a kind and of the people inside an organisation, so every
seed yields an optimal grouping.

Real data may list members of one organisation under different kinds. Organisations are then
filed under their most common kind (keeping objective 1 exact), and a bounded, deterministic
local search swaps pairs of people between groups while that lowers the kind measure without
raising the organisation measure.

This module is deliberately free of Django imports so it can be unit-tested in isolation.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "MAX_SIZE",
    "MIN_SIZE",
    "Participant",
    "form_groups",
    "group_count",
    "group_sizes",
    "minimum_same_kind_pairs",
    "minimum_same_organisation_pairs",
    "same_kind_pairs",
    "same_organisation_pairs",
]

MIN_SIZE = 2
MAX_SIZE = 50

# Upper bound on local-search swaps (a time guard; the search terminates anyway).
_MAX_SWAPS = 10_000


@dataclass(frozen=True)
class Participant:
    """A confirmed participant as seen by the grouping algorithm."""

    id: int  # registration id
    organisation: int  # organisation id
    kind: str  # organisation kind, e.g. "administration", "company", "unit"


# --------------------------------------------------------------------------------------------
# Validation and sizes
# --------------------------------------------------------------------------------------------


def _check_size(size: int) -> None:
    # bool is an int subclass; True as a group size is almost certainly a bug upstream.
    if isinstance(size, bool) or not isinstance(size, int):
        raise ValueError(f"Group size must be an integer, got {size!r}.")
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"Group size must be between {MIN_SIZE} and {MAX_SIZE}, got {size}.")


def _index(participants: Iterable[Participant]) -> dict[int, Participant]:
    """Map id -> participant, rejecting duplicate ids (they would make the groups ambiguous)."""
    by_id: dict[int, Participant] = {}
    duplicates: set[int] = set()
    for p in participants:
        if p.id in by_id:
            duplicates.add(p.id)
        by_id[p.id] = p
    if duplicates:
        shown = ", ".join(str(i) for i in sorted(duplicates)[:10])
        raise ValueError(f"Duplicate participant ids: {shown}.")
    return by_id


def group_count(n: int, size: int) -> int:
    """Number of groups for ``n`` participants: ``ceil(n / size)``, and 0 when ``n == 0``."""
    _check_size(size)
    if n < 0:
        raise ValueError(f"Number of participants must not be negative, got {n}.")
    return -(-n // size)


def group_sizes(n: int, size: int) -> list[int]:
    """Balanced group sizes (differing by at most one, never above ``size``), larger first."""
    g = group_count(n, size)
    if g == 0:
        return []
    q, r = divmod(n, g)
    return [q + 1] * r + [q] * (g - r)


# --------------------------------------------------------------------------------------------
# Objective measures and their exact lower bounds
# --------------------------------------------------------------------------------------------


def _pairs(k: int) -> int:
    return k * (k - 1) // 2


def _even_split_pairs(k: int, g: int) -> int:
    """Pairs left when ``k`` people are spread as evenly as possible over ``g`` groups."""
    q, r = divmod(k, g)
    return r * _pairs(q + 1) + (g - r) * _pairs(q)


def _measure(
    groups: Iterable[Iterable[int]], by_id: Mapping[int, Participant], attribute: str
) -> int:
    total = 0
    for group in groups:
        counts: Counter[object] = Counter()
        for pid in group:
            try:
                counts[getattr(by_id[pid], attribute)] += 1
            except KeyError:
                raise ValueError(f"Group member {pid} is not among the participants.") from None
        total += sum(_pairs(k) for k in counts.values())
    return total


def same_organisation_pairs(
    groups: Iterable[Iterable[int]], participants: Iterable[Participant]
) -> int:
    """Sum over groups of ``C(k, 2)`` per organisation with ``k`` members in that group."""
    return _measure(groups, _index(participants), "organisation")


def same_kind_pairs(groups: Iterable[Iterable[int]], participants: Iterable[Participant]) -> int:
    """Sum over groups of ``C(k, 2)`` per organisation kind with ``k`` members in that group."""
    return _measure(groups, _index(participants), "kind")


def _lower_bound(participants: Iterable[Participant], size: int, attribute: str) -> int:
    by_id = _index(participants)
    g = group_count(len(by_id), size)
    if g == 0:
        return 0
    counts = Counter(getattr(p, attribute) for p in by_id.values())
    return sum(_even_split_pairs(k, g) for k in counts.values())


def minimum_same_organisation_pairs(participants: Iterable[Participant], *, size: int) -> int:
    """Exact minimum of :func:`same_organisation_pairs` over all balanced groupings.

    It is a lower bound by convexity and :func:`form_groups` always attains it (module docstring).
    """
    return _lower_bound(participants, size, "organisation")


def minimum_same_kind_pairs(participants: Iterable[Participant], *, size: int) -> int:
    """Lower bound of :func:`same_kind_pairs`; exact (and attained by :func:`form_groups`,
    together with the organisation minimum) whenever each organisation has a single kind."""
    return _lower_bound(participants, size, "kind")


# --------------------------------------------------------------------------------------------
# Group formation
# --------------------------------------------------------------------------------------------


def _deal_sequence(participants: list[Participant], rng: random.Random) -> list[Participant]:
    """Order participants so each kind, and each organisation inside it, is one contiguous block.

    ``participants`` must already be in canonical (id) order so that the seed alone decides the
    shuffles, independent of the caller's input order.
    """
    members: dict[int, list[Participant]] = defaultdict(list)
    for p in participants:
        members[p.organisation].append(p)

    # An organisation is filed under its most common kind (ties: alphabetical), so its members
    # stay contiguous even if the data is inconsistent; objective 1 never depends on kinds.
    orgs_by_kind: dict[str, list[int]] = defaultdict(list)
    for org in sorted(members):
        kind_counts = Counter(p.kind for p in members[org])
        main_kind = min(kind_counts, key=lambda kind: (-kind_counts[kind], kind))
        orgs_by_kind[main_kind].append(org)

    kinds = sorted(orgs_by_kind)
    rng.shuffle(kinds)
    sequence: list[Participant] = []
    for kind in kinds:
        orgs = orgs_by_kind[kind]  # already sorted by org id
        rng.shuffle(orgs)
        for org in orgs:
            people = members[org]  # already sorted by id
            rng.shuffle(people)
            # Members filed under another kind (inconsistent data only) go last.
            sequence.extend([p for p in people if p.kind == kind])
            sequence.extend([p for p in people if p.kind != kind])
    return sequence


def _improve_kinds(groups: list[list[Participant]]) -> None:
    """Deterministic first-improvement swap search, in place.

    A swap between two groups is accepted when it lowers the same-organisation measure, or keeps
    it and lowers the same-kind measure. After the cyclic deal the organisation measure is already
    minimal and, for consistent data, so is the kind measure, so this is normally a no-op.
    """
    org_counts: list[Counter[object]] = [Counter(p.organisation for p in group) for group in groups]
    kind_counts: list[Counter[object]] = [Counter(p.kind for p in group) for group in groups]

    def delta(counts: list[Counter[object]], a: int, b: int, x: object, y: object) -> int:
        # Change in the C(k, 2) sums when a member with value x moves from group a to group b
        # and a member with value y moves the other way.
        if x == y:
            return 0
        ca, cb = counts[a], counts[b]
        return (ca[y] - ca[x] + 1) + (cb[x] - cb[y] + 1)

    def find_swap(a: int, b: int) -> tuple[int, int] | None:
        # Members of the same (organisation, kind) type are interchangeable, so only distinct
        # types need to be tried; the last member of a type in its group is the one moved.
        last_a = {(p.organisation, p.kind): i for i, p in enumerate(groups[a])}
        last_b = {(p.organisation, p.kind): i for i, p in enumerate(groups[b])}
        for ta in sorted(last_a):
            for tb in sorted(last_b):
                d_org = delta(org_counts, a, b, ta[0], tb[0])
                d_kind = delta(kind_counts, a, b, ta[1], tb[1])
                if d_org < 0 or (d_org == 0 and d_kind < 0):
                    return last_a[ta], last_b[tb]
        return None

    # Every accepted swap strictly improves (org pairs, kind pairs), so the passes terminate; the
    # swap cap only bounds the running time on pathological inputs.
    swaps = 0
    improved = True
    while improved and swaps < _MAX_SWAPS:
        improved = False
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                while swaps < _MAX_SWAPS and (swap := find_swap(a, b)) is not None:
                    ia, ib = swap
                    pa, pb = groups[a][ia], groups[b][ib]
                    groups[a][ia], groups[b][ib] = pb, pa
                    for counts, x, y in (
                        (org_counts, pa.organisation, pb.organisation),
                        (kind_counts, pa.kind, pb.kind),
                    ):
                        counts[a][x] -= 1
                        counts[a][y] += 1
                        counts[b][y] -= 1
                        counts[b][x] += 1
                    swaps += 1
                    improved = True


def form_groups(participants: Sequence[Participant], *, size: int, seed: int) -> list[list[int]]:
    """Return groups as lists of participant ids (each sorted), groups ordered deterministically.

    Groups are ordered by descending size, then by their smallest id.
    """
    _check_size(size)
    by_id = _index(participants)
    canonical = [by_id[pid] for pid in sorted(by_id)]
    g = group_count(len(canonical), size)
    if g == 0:
        return []

    rng = random.Random(seed)
    sequence = _deal_sequence(canonical, rng)
    # Cyclic deal: position i goes to group i mod g (see the module docstring for optimality).
    groups: list[list[Participant]] = [sequence[j::g] for j in range(g)]

    # Only search when the kind measure is above its bound (i.e. inconsistent kind data).
    kind_bound = sum(_even_split_pairs(k, g) for k in Counter(p.kind for p in canonical).values())
    dealt = [[p.id for p in group] for group in groups]
    if _measure(dealt, by_id, "kind") > kind_bound:
        _improve_kinds(groups)

    result = [sorted(p.id for p in group) for group in groups]
    result.sort(key=lambda group: (-len(group), group[0]))
    return result
