"""Property tests for workshop breakout group formation (jamlik.reviews.grouping).

The central claim checked here is that ``form_groups`` reaches the exact optimum of the
same-organisation measure (and, when every organisation has one kind, of the same-kind measure
too), proved on small inputs against an exhaustive search over every balanced partition.
"""

from __future__ import annotations

import importlib
import itertools
import math
import random
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

try:
    breakouts = importlib.import_module("jamlik.reviews.grouping")
except ImportError:  # the package is not installed: import from the src/ layout directly
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    breakouts = importlib.import_module("jamlik.reviews.grouping")

Participant = breakouts.Participant
form_groups = breakouts.form_groups
group_count = breakouts.group_count
group_sizes = breakouts.group_sizes
minimum_same_kind_pairs = breakouts.minimum_same_kind_pairs
minimum_same_organisation_pairs = breakouts.minimum_same_organisation_pairs
same_kind_pairs = breakouts.same_kind_pairs
same_organisation_pairs = breakouts.same_organisation_pairs

KINDS = ("administration", "company", "committee", "external", "unit")

# Small examples keep the whole file well under 20 s on a 2-core machine.
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------------------------
# Strategies and helpers
# --------------------------------------------------------------------------------------------


@st.composite
def participant_lists(
    draw: st.DrawFn,
    *,
    max_n: int = 40,
    max_orgs: int = 6,
    consistent_kinds: bool = True,
) -> list[Participant]:
    """Participants with unique (not necessarily contiguous) ids, drawn from a few orgs.

    With ``consistent_kinds`` every organisation has exactly one kind, as in the real data model.
    """
    n = draw(st.integers(0, max_n))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=n, max_size=n, unique=True))
    org_kind = draw(
        st.lists(st.sampled_from(KINDS[:3]), min_size=max_orgs, max_size=max_orgs)
    )  # kind of organisation i
    people = []
    for pid in ids:
        org = draw(st.integers(0, max_orgs - 1))
        kind = org_kind[org] if consistent_kinds else draw(st.sampled_from(KINDS[:3]))
        people.append(Participant(id=pid, organisation=org, kind=kind))
    return people


sizes = st.integers(2, 12)
seeds = st.integers(-(2**63), 2**63)


def balanced_partitions(items: Sequence[int], group_size_list: Sequence[int]) -> Iterator[list]:
    """Every way to split ``items`` into groups of the given sizes (groups in the given order)."""
    if not group_size_list:
        yield []
        return
    first, rest = group_size_list[0], group_size_list[1:]
    for chosen in itertools.combinations(range(len(items)), first):
        chosen_set = set(chosen)
        remaining = [x for i, x in enumerate(items) if i not in chosen_set]
        for tail in balanced_partitions(remaining, rest):
            yield [[items[i] for i in chosen], *tail]


def brute_force_optimum(participants: Sequence[Participant], size: int) -> tuple[int, int]:
    """Lexicographic minimum of (org pairs, kind pairs) over all balanced partitions."""
    ids = sorted(p.id for p in participants)
    return min(
        (same_organisation_pairs(groups, participants), same_kind_pairs(groups, participants))
        for groups in balanced_partitions(ids, group_sizes(len(ids), size))
    )


def assert_valid_partition(groups: list[list[int]], participants, size: int) -> None:
    n = len(participants)
    assert len(groups) == group_count(n, size) == math.ceil(n / size)
    assert [len(g) for g in groups] == group_sizes(n, size)
    assert sorted(pid for g in groups for pid in g) == sorted(p.id for p in participants)
    assert all(g == sorted(g) for g in groups)


# --------------------------------------------------------------------------------------------
# Sizes, counts and partition shape
# --------------------------------------------------------------------------------------------


@FAST
@given(n=st.integers(0, 2_000), size=st.integers(2, 50))
def test_group_count_is_ceil_and_sizes_differ_by_at_most_one(n: int, size: int) -> None:
    sizes_ = group_sizes(n, size)
    assert group_count(n, size) == len(sizes_) == math.ceil(n / size)
    assert sum(sizes_) == n
    if sizes_:
        assert max(sizes_) - min(sizes_) <= 1
        assert max(sizes_) <= size
        assert sizes_ == sorted(sizes_, reverse=True)  # larger groups first


def test_no_participants_means_no_groups() -> None:
    assert group_count(0, 5) == 0
    assert group_sizes(0, 5) == []
    assert form_groups([], size=5, seed=1) == []


@FAST
@given(participants=participant_lists(max_n=60), size=sizes, seed=seeds)
def test_every_participant_appears_exactly_once_in_balanced_groups(
    participants, size: int, seed: int
) -> None:
    assert_valid_partition(form_groups(participants, size=size, seed=seed), participants, size)


# --------------------------------------------------------------------------------------------
# Determinism and seed variation
# --------------------------------------------------------------------------------------------


@FAST
@given(data=st.data(), participants=participant_lists(), size=sizes, seed=seeds)
def test_determinism_same_input_in_any_order_and_same_seed_gives_identical_groups(
    data: st.DataObject, participants, size: int, seed: int
) -> None:
    shuffled = data.draw(st.permutations(participants))
    assert form_groups(shuffled, size=size, seed=seed) == form_groups(
        participants, size=size, seed=seed
    )
    # Tuples are accepted as well as lists.
    assert form_groups(tuple(participants), size=size, seed=seed) == form_groups(
        participants, size=size, seed=seed
    )


def test_different_seeds_on_a_symmetric_input_give_different_groupings() -> None:
    # 12 people, each from their own organisation of the same kind: every grouping is optimal,
    # so only the seed decides, and several seeds must not all collapse to one grouping.
    people = [Participant(id=i, organisation=100 + i, kind="company") for i in range(12)]
    groupings = {
        tuple(tuple(g) for g in form_groups(people, size=4, seed=seed)) for seed in range(5)
    }
    assert len(groupings) > 1


@FAST
@given(participants=participant_lists(), size=sizes, seed_a=seeds, seed_b=seeds)
def test_different_seeds_give_equally_good_groupings(
    participants, size: int, seed_a: int, seed_b: int
) -> None:
    a = form_groups(participants, size=size, seed=seed_a)
    b = form_groups(participants, size=size, seed=seed_b)
    assert same_organisation_pairs(a, participants) == same_organisation_pairs(b, participants)
    assert same_kind_pairs(a, participants) == same_kind_pairs(b, participants)


# --------------------------------------------------------------------------------------------
# Objective 1 (organisations) and objective 2 (kinds): optimality
# --------------------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(participants=participant_lists(max_n=9, max_orgs=4), size=st.integers(2, 10), seed=seeds)
def test_same_organisation_pairs_equal_brute_force_optimum_on_small_inputs(
    participants, size: int, seed: int
) -> None:
    best_org, best_kind = brute_force_optimum(participants, size)
    groups = form_groups(participants, size=size, seed=seed)
    assert same_organisation_pairs(groups, participants) == best_org
    assert minimum_same_organisation_pairs(participants, size=size) == best_org
    # With one kind per organisation the kind measure is lexicographically optimal as well.
    assert same_kind_pairs(groups, participants) == best_kind
    assert minimum_same_kind_pairs(participants, size=size) == best_kind


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    participants=participant_lists(max_n=9, max_orgs=4, consistent_kinds=False),
    size=st.integers(2, 10),
    seed=seeds,
)
def test_same_organisation_pairs_equal_brute_force_optimum_even_with_mixed_kind_data(
    participants, size: int, seed: int
) -> None:
    # Members of one organisation listed under different kinds must not cost objective 1.
    best_org, best_kind = brute_force_optimum(participants, size)
    groups = form_groups(participants, size=size, seed=seed)
    assert same_organisation_pairs(groups, participants) == best_org
    assert minimum_same_organisation_pairs(participants, size=size) == best_org
    assert same_kind_pairs(groups, participants) >= best_kind


@FAST
@given(participants=participant_lists(max_n=150, max_orgs=12), size=sizes, seed=seeds)
def test_organisation_and_kind_lower_bounds_are_met_on_larger_inputs(
    participants, size: int, seed: int
) -> None:
    groups = form_groups(participants, size=size, seed=seed)
    org_min = minimum_same_organisation_pairs(participants, size=size)
    assert same_organisation_pairs(groups, participants) == org_min
    assert same_kind_pairs(groups, participants) == minimum_same_kind_pairs(participants, size=size)


@st.composite
def orgs_no_larger_than_group_count(draw: st.DrawFn) -> tuple[list[Participant], int]:
    size = draw(sizes)
    n = draw(st.integers(1, 80))
    g = group_count(n, size)
    # With m >= ceil(n / g) organisations dealt round-robin, no organisation exceeds g members.
    m = draw(st.integers(math.ceil(n / g), n))
    order = draw(st.permutations(range(n)))
    people = [
        Participant(id=pid, organisation=order[pid] % m, kind=KINDS[(order[pid] % m) % 5])
        for pid in range(n)
    ]
    return people, size


@FAST
@given(case=orgs_no_larger_than_group_count(), seed=seeds)
def test_zero_same_organisation_pairs_when_every_org_fits_in_distinct_groups(
    case: tuple[list[Participant], int], seed: int
) -> None:
    people, size = case
    g = group_count(len(people), size)
    assert max(Counter(p.organisation for p in people).values()) <= g
    assert minimum_same_organisation_pairs(people, size=size) == 0
    assert same_organisation_pairs(form_groups(people, size=size, seed=seed), people) == 0


@pytest.mark.parametrize("seed", range(10))
def test_kinds_are_spread_so_no_group_is_all_one_kind(seed: int) -> None:
    # 5 kinds x 4 people, each from their own organisation, size 5 -> 4 groups of 5: clearly
    # feasible to give every group exactly one person of each kind.
    people = [
        Participant(id=10 * k + i, organisation=10 * k + i, kind=kind)
        for k, kind in enumerate(KINDS)
        for i in range(4)
    ]
    groups = form_groups(people, size=5, seed=seed)
    kind_of = {p.id: p.kind for p in people}
    assert len(groups) == 4
    for group in groups:
        assert sorted(kind_of[pid] for pid in group) == sorted(KINDS)
    assert same_kind_pairs(groups, people) == 0


@pytest.mark.parametrize("seed", range(10))
def test_kinds_are_spread_when_organisations_are_large(seed: int) -> None:
    # 3 companies with 4 people each and 12 single-person units: 6 groups of 4. Every group can
    # (and must) hold both kinds, and no group two people from the same company.
    people = [Participant(id=i, organisation=i // 4, kind="company") for i in range(12)]
    people += [Participant(id=100 + i, organisation=100 + i, kind="unit") for i in range(12)]
    groups = form_groups(people, size=4, seed=seed)
    kind_of = {p.id: p.kind for p in people}
    for group in groups:
        assert set(kind_of[pid] for pid in group) == {"company", "unit"}
    assert same_organisation_pairs(groups, people) == 0


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [-3, 0, 1, 51, 2.5, True])
def test_value_error_for_bad_size(size) -> None:
    people = [Participant(id=i, organisation=i, kind="unit") for i in range(5)]
    with pytest.raises(ValueError, match="Group size"):
        form_groups(people, size=size, seed=0)
    with pytest.raises(ValueError, match="Group size"):
        group_count(5, size)
    with pytest.raises(ValueError, match="Group size"):
        minimum_same_organisation_pairs(people, size=size)


def test_value_error_for_duplicate_participant_ids() -> None:
    people = [
        Participant(id=1, organisation=1, kind="unit"),
        Participant(id=2, organisation=2, kind="unit"),
        Participant(id=1, organisation=3, kind="company"),
    ]
    with pytest.raises(ValueError, match="Duplicate participant ids: 1"):
        form_groups(people, size=2, seed=0)
    with pytest.raises(ValueError, match="Duplicate"):
        minimum_same_organisation_pairs(people, size=2)


def test_value_error_for_negative_count_and_unknown_group_member() -> None:
    with pytest.raises(ValueError, match="negative"):
        group_count(-1, 4)
    people = [Participant(id=1, organisation=1, kind="unit")]
    with pytest.raises(ValueError, match="not among the participants"):
        same_organisation_pairs([[1, 2]], people)


def test_measures_count_pairs_per_group() -> None:
    people = [
        Participant(id=1, organisation=1, kind="unit"),
        Participant(id=2, organisation=1, kind="unit"),
        Participant(id=3, organisation=1, kind="unit"),
        Participant(id=4, organisation=2, kind="unit"),
    ]
    assert same_organisation_pairs([[1, 2, 3, 4]], people) == 3  # C(3, 2)
    assert same_kind_pairs([[1, 2, 3, 4]], people) == 6  # C(4, 2)
    assert same_organisation_pairs([[1, 4], [2, 3]], people) == 1
    assert same_kind_pairs([[1, 4], [2, 3]], people) == 2


# --------------------------------------------------------------------------------------------
# Scale
# --------------------------------------------------------------------------------------------


def _large_event(rng: random.Random, n: int, consistent_kinds: bool) -> list[Participant]:
    # Skewed organisation sizes: a few organisations larger than the number of groups.
    org_sizes = [150, 120, 40, 25, 25, 10] + [rng.randint(1, 6) for _ in range(200)]
    people: list[Participant] = []
    next_id = iter(rng.sample(range(1, 100_000), n))
    for org, count in enumerate(org_sizes):
        org_kind = KINDS[org % len(KINDS)]
        for _ in range(count):
            if len(people) == n:
                return people
            kind = org_kind if consistent_kinds else rng.choice(KINDS)
            people.append(Participant(id=next(next_id), organisation=org, kind=kind))
    return people


@pytest.mark.parametrize("size", [4, 5, 6])
def test_500_participants_complete_and_meet_the_organisation_bound(size: int) -> None:
    people = _large_event(random.Random(500 + size), 500, consistent_kinds=True)
    assert len(people) == 500
    groups = form_groups(people, size=size, seed=2024)
    assert_valid_partition(groups, people, size)
    assert same_organisation_pairs(groups, people) == minimum_same_organisation_pairs(
        people, size=size
    )
    assert same_kind_pairs(groups, people) == minimum_same_kind_pairs(people, size=size)


def test_500_participants_with_mixed_kind_data_meet_the_organisation_bound() -> None:
    people = _large_event(random.Random(7), 500, consistent_kinds=False)
    groups = form_groups(people, size=5, seed=7)
    assert_valid_partition(groups, people, 5)
    assert same_organisation_pairs(groups, people) == minimum_same_organisation_pairs(
        people, size=5
    )


def test_large_single_organisation_is_spread_evenly() -> None:
    # One organisation bigger than the number of groups: floor/ceil members in every group.
    people = [Participant(id=i, organisation=1, kind="unit") for i in range(23)]
    people += [Participant(id=100 + i, organisation=2 + i, kind="company") for i in range(7)]
    groups = form_groups(people, size=6, seed=3)
    per_group = [sum(1 for pid in g if pid < 100) for g in groups]
    assert sorted(per_group) == [4, 4, 5, 5, 5]
