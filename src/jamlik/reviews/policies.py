"""Who may do what in the reviews app, as pure ``may_*`` functions (no database access).

Services ask them first (``require(policies.may_x, actor)``; ``actor=None`` is the trusted
system and is not asked); pages and API endpoints ask the same functions to refuse early or
to decide which buttons to show (docs/rules.md#reviews-permissions):

- Every staff user reads reviews, milestones, group notes, good examples and the board
  report, and writes good examples for the organisations in their scope (which examples a
  coordinator may change is scoping: others answer 404).
- Creating and changing reviews and milestones, forming and moving breakout groups, writing
  group notes, and writing or exporting the board report: administrators and city
  coordinators.
- Inactive and anonymous users may do nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from jamlik.core.policies import is_active_user, is_city_or_admin, require

__all__ = [
    "may_edit_board_report",
    "may_edit_review",
    "may_export_board_report",
    "may_form_breakouts",
    "may_manage_milestones",
    "may_write_documentation",
    "may_write_examples",
    "may_write_notes",
    "require",
]


def may_edit_review(actor: Any) -> bool:
    """Create and change reviews (title, purpose, campaigns, workshops, owner, matter)."""
    return is_city_or_admin(actor)


def may_manage_milestones(actor: Any) -> bool:
    """Add, change, tick off and delete milestones."""
    return is_city_or_admin(actor)


def may_form_breakouts(actor: Any) -> bool:
    """Form a workshop's breakout groups and move people between them."""
    return is_city_or_admin(actor)


def may_write_notes(actor: Any) -> bool:
    """Write a breakout group's notes."""
    return is_city_or_admin(actor)


def may_write_examples(actor: Any) -> bool:
    """Write, change and delete good examples (of organisations in one's scope)."""
    return is_active_user(actor)


def may_edit_board_report(actor: Any) -> bool:
    """Write the board report's sections and matter fields."""
    return is_city_or_admin(actor)


def may_export_board_report(actor: Any) -> bool:
    """The board report as PDF or DOCX."""
    return is_city_or_admin(actor)


def may_write_documentation(actor: Any) -> bool:
    """Write, read and export the yearly documentation of active measures (of organisations
    in one's scope: which ones is scoping, others answer 404)."""
    return is_active_user(actor)


_CITY_ONLY = _("Only administrators and city coordinators can do this.")

_DENIED: dict[Callable[..., bool], Any] = {
    may_edit_review: _CITY_ONLY,
    may_manage_milestones: _CITY_ONLY,
    may_form_breakouts: _CITY_ONLY,
    may_write_notes: _CITY_ONLY,
    may_write_examples: _("You are not allowed to do this."),
    may_edit_board_report: _CITY_ONLY,
    may_export_board_report: _CITY_ONLY,
    may_write_documentation: _("You are not allowed to do this."),
}
