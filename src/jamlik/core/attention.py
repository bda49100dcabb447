"""The start page's "what needs attention" panels as an extension point: each app registers
its panel in its AppConfig.ready() (as with ``core.navigation``), so core shows them without
importing the apps above it.

A panel is an order, a template and a function ``context(user)`` that answers the panel's
template context, or ``None`` when the user is not to see the panel at all (its app's
policy says no). The function does its own scoping (``core.scoping``) and must cost a fixed
number of queries, whatever the number of events, campaigns or reviews: aggregate in SQL
and read a bounded number of rows. The template receives the context as ``panel``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jamlik.core.policies import is_active_user
from jamlik.core.scoping import scope_for

# How many rows (events, campaigns, reviews, actions) a panel lists at most.
PANEL_ROWS = 5


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable[[Any], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class ShownPanel:
    key: str
    template: str
    context: dict[str, Any]


_panels: list[Panel] = []


def register(panel: Panel) -> None:
    if all(p.key != panel.key for p in _panels):
        _panels.append(panel)
        _panels.sort(key=lambda p: (p.order, p.key))


def panels_for(user: Any) -> list[ShownPanel]:
    """The panels ``user`` sees, in order. A user who reaches no part of the organisation
    tree (inactive, or an account without a role or organisation) sees none."""
    if not is_active_user(user):
        return []
    scope = scope_for(user)
    if not scope.everything and not scope.path:
        return []
    shown = []
    for panel in _panels:
        context = panel.context(user)
        if context is not None:
            shown.append(ShownPanel(panel.key, panel.template, context))
    return shown
