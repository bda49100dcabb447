"""The order in which the demo data set is built. Each area adds one step here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jamlik.demo import assessments, documentation, events, organisations, reviews, users


@dataclass
class DemoResult:
    password: str = users.PASSWORD
    logins: list[tuple[str, str]] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    organisations: dict[str, Any] = field(default_factory=dict)


def load_all(stdout: Any = None) -> DemoResult:
    result = DemoResult()
    result.organisations = organisations.load()
    result.summary.append(f"{len(result.organisations)} organisationer")
    result.logins = users.load(result.organisations)
    # Later steps (events, assessments, reviews) append to result here, in this order.
    events.load(result)
    assessments.load(result)
    reviews.load(result)
    documentation.load(result)
    return result
