"""Next year's quotas from this year's use, as pure functions (docs/rules.md#events-allocation-proposal).

An allocation is the unit that has a quota (one organisation or a named set of them), so
the proposal is made per allocation. Its inputs, counted after the event from the
registrations made against the allocation:

- ``quota``: this year's quota;
- ``confirmed``: registrations confirmed at the end (a seat held to the day);
- ``no_shows``: of those, the ones who did not check in;
- ``waiting``: registrations still on the waiting list at the end (people who wanted a
  seat and did not get one).

``proposed_quota``: the seats actually used (``confirmed - no_shows``) plus the unmet demand
(``waiting``), kept within half and one and a half times this year's quota so that one
unusual year moves a quota at most that far. An allocation with no quota this year gets
its use. The result is never negative.

``fit_to_capacity``: the proposals of all allocations scaled down to the seats the new event
has for them, proportionally, by the largest remainder (so the sum is exactly the capacity
when it had to shrink, and no allocation gets more than proposed).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# The furthest one year's use moves a quota: from half to one and a half times.
FLOOR = 0.5
CEILING = 1.5


@dataclass(frozen=True)
class Use:
    quota: int
    confirmed: int
    no_shows: int
    waiting: int

    @property
    def attended(self) -> int:
        return max(0, self.confirmed - self.no_shows)

    @property
    def no_show_rate(self) -> float | None:
        """No-shows per confirmed participant (0–1); None without confirmed ones."""
        if self.confirmed <= 0:
            return None
        return min(1.0, max(0, self.no_shows) / self.confirmed)


def proposed_quota(use: Use) -> int:
    """Next year's quota of one allocation (see the module's text)."""
    demand = use.attended + max(0, use.waiting)
    if use.quota <= 0:
        return demand
    low = math.ceil(use.quota * FLOOR)
    high = math.floor(use.quota * CEILING)
    return max(low, min(high, demand))


def fit_to_capacity(proposals: Sequence[int], capacity: int) -> list[int]:
    """``proposals`` unchanged if they fit into ``capacity``; else scaled down proportionally
    with the largest remainder method (ties to the earlier allocation)."""
    wanted = [max(0, p) for p in proposals]
    capacity = max(0, capacity)
    total = sum(wanted)
    if total <= capacity:
        return wanted
    shares = [p * capacity / total for p in wanted]
    fitted = [math.floor(s) for s in shares]
    left = capacity - sum(fitted)
    order = sorted(range(len(wanted)), key=lambda i: (-(shares[i] - fitted[i]), i))
    for i in order[:left]:
        fitted[i] += 1
    return fitted
