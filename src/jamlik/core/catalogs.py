"""Compile the message catalogues (.po → .mo) with polib, so a fresh machine needs no GNU
gettext: ``python -m jamlik.core.catalogs compile``. ``check`` lists untranslated or fuzzy
Swedish entries and exits non-zero when there are any."""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def catalogues() -> list[Path]:
    return sorted(ROOT.glob("*/locale/*/LC_MESSAGES/django.po"))


def compile_all() -> int:
    count = 0
    for po_path in catalogues():
        catalogue = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            catalogue.save_as_mofile(str(mo_path))
            count += 1
    return count


def problems(language: str = "sv") -> list[str]:
    found = []
    for po_path in catalogues():
        if f"/locale/{language}/" not in str(po_path):
            continue
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                found.append(f"{po_path.relative_to(ROOT)}: fuzzy: {entry.msgid[:60]!r}")
            elif entry.msgid_plural:
                if not all(entry.msgstr_plural.values()):
                    found.append(f"{po_path.relative_to(ROOT)}: untranslated: {entry.msgid[:60]!r}")
            elif not entry.msgstr:
                found.append(f"{po_path.relative_to(ROOT)}: untranslated: {entry.msgid[:60]!r}")
    return found


def main(argv: list[str]) -> int:
    action = argv[1] if len(argv) > 1 else "compile"
    if action == "compile":
        print(f"compiled {compile_all()} catalogue(s)")
        return 0
    if action == "check":
        found = problems()
        print("\n".join(found) or "all Swedish messages translated")
        return 1 if found else 0
    print("usage: python -m jamlik.core.catalogs compile|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
