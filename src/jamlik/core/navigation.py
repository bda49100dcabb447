"""The staff menu and start page as an extension point: each app registers its own entries
in its AppConfig.ready(), so core lists them without importing the apps above it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class NavEntry:
    label: Any  # a lazy translation
    url_name: str
    order: int = 100
    description: Any = ""
    visible: Callable[[Any], bool] = lambda user: True

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_entries: list[NavEntry] = []


def register(entry: NavEntry) -> None:
    if all(e.url_name != entry.url_name for e in _entries):
        _entries.append(entry)
        _entries.sort(key=lambda e: e.order)


def entries_for(user: Any) -> list[NavEntry]:
    return [e for e in _entries if e.visible(user)]
