"""The one scoping mechanism: what part of the organisation tree a staff user may see.

Every selector that returns people or answers passes its queryset through ``Scope.filter``.
A city coordinator or admin sees everything; an org coordinator sees their organisation and
its descendants, found through the organisation's materialised ``path`` (``/1/5/12/``) so the
filter is one indexed prefix match, whatever the depth of the tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

if TYPE_CHECKING:
    from jamlik.core.models import User


@dataclass(frozen=True)
class Scope:
    everything: bool
    path: str | None = None  # the materialised path of the coordinator's organisation
    organisation_id: int | None = None

    def filter(self, queryset: QuerySet, via: str = "organisation") -> QuerySet:
        """Narrow ``queryset`` to rows whose organisation (reached through ``via``) is visible.

        ``via`` is the lookup path from the model to its organisation, e.g. ``"organisation"``
        or ``"registration__organisation"``; use ``""`` for the Organisation model itself.
        """
        if self.everything:
            return queryset
        if not self.path:
            return queryset.none()
        lookup = f"{via}__path__startswith" if via else "path__startswith"
        return queryset.filter(**{lookup: self.path})

    def covers(self, organisation: Any) -> bool:
        """Whether one organisation (a model instance with ``path``) is inside the scope."""
        if self.everything:
            return True
        if organisation is None or not self.path:
            return False
        return organisation.path.startswith(self.path)


NOTHING = Scope(everything=False)


def scope_for(user: User | Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.sees_everything:
        return Scope(everything=True)
    organisation = user.organisation
    if organisation is None:
        return NOTHING
    return Scope(everything=False, path=organisation.path, organisation_id=organisation.pk)
