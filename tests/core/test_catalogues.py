"""Swedish first, English complete: every message of every app has a Swedish translation."""

from jamlik.core import catalogs


def test_every_swedish_message_is_translated_and_none_is_fuzzy():
    assert catalogs.problems("sv") == []


def test_catalogues_compile(tmp_path, monkeypatch):
    import polib

    for po_path in catalogs.catalogues():
        polib.pofile(str(po_path)).save_as_mofile(str(tmp_path / "x.mo"))
