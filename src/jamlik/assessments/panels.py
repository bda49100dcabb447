"""An extension point of the results page: panels shown beside a requirement.

A higher app (reviews, with its good examples) contributes content beside the weakest
requirements of a campaign's results without assessments importing it. Register once, in
the higher app's ``AppConfig.ready()``::

    from jamlik.assessments.panels import register_requirement_panel

    def good_examples_panel(*, request, campaign, keys):
        # Return {requirement key: safe HTML} for the keys you have something for.
        examples = example_list_for_requirements(user=request.user, keys=keys)  # one query
        return {key: render_to_string("reviews/partials/_examples.html", {...}) for ...}

    register_requirement_panel("reviews.good_examples", good_examples_panel)

A panel is called once per page with every key shown (so it can read them in one query),
with keyword arguments ``request`` (the user is ``request.user``; scope what you show to it),
``campaign`` and ``keys`` (a list of requirement keys). It returns a mapping from key to
HTML — a ``SafeString`` from ``render_to_string`` or ``format_html``; plain strings are
escaped. Keys it has nothing for are left out. A panel that raises is logged and skipped, so
one broken contribution never takes the results page down. The PDF report does not show
panels.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

RequirementPanel = Callable[..., Mapping[str, Any]]

_panels: dict[str, RequirementPanel] = {}


def register_requirement_panel(name: str, panel: RequirementPanel) -> None:
    """Add (or replace, by ``name``) a panel shown beside requirements on the results page."""
    _panels[name] = panel


def unregister_requirement_panel(name: str) -> None:
    _panels.pop(name, None)


def requirement_panels(
    *, request: Any, campaign: Any, keys: Sequence[str]
) -> dict[str, list[SafeString]]:
    """Every registered panel's content by requirement key, in registration order."""
    result: dict[str, list[SafeString]] = {}
    if not keys:
        return result
    for name, panel in list(_panels.items()):
        try:
            contributed = panel(request=request, campaign=campaign, keys=list(keys)) or {}
        except Exception:
            logger.exception("requirement panel %s failed", name)
            continue
        for key, html in contributed.items():
            if key in keys and html:
                # conditional_escape keeps SafeStrings and escapes anything else.
                result.setdefault(key, []).append(mark_safe(conditional_escape(html)))
    return result
