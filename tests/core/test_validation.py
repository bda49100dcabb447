"""The shared text rules (docs/api.md#input-rules), tested once here."""

import pytest
from django.core.exceptions import ValidationError

from jamlik.core import validation


@pytest.mark.parametrize(
    "text",
    ["🎉 Jämlik", "שלום עולם", "<script>alert(1)</script>", "'; DROP TABLE x; --", "Åsa Öberg"],
)
def test_unusual_but_valid_text_passes_unchanged(text):
    assert validation.clean_text(text) == text


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_blank_after_trimming_is_invalid_where_required(text):
    with pytest.raises(ValidationError):
        validation.clean_text(text)


def test_blank_is_empty_where_optional():
    assert validation.clean_text("  ", required=False) == ""


@pytest.mark.parametrize("text", ["a\x00b", "a\x07b", "line\nbreak", "\ud800"])
def test_control_characters_and_lone_surrogates_are_invalid_in_names(text):
    with pytest.raises(ValidationError):
        validation.clean_text(text)


def test_newlines_are_allowed_in_multiline_text_but_not_nul():
    assert validation.clean_text("a\nb", multiline=True) == "a\nb"
    with pytest.raises(ValidationError):
        validation.clean_text("a\x00b", multiline=True)


def test_length_limits():
    assert validation.clean_text("x" * 200)
    with pytest.raises(ValidationError):
        validation.clean_text("x" * 201)
    with pytest.raises(ValidationError):
        validation.clean_text("x" * 1_000_000, max_length=validation.TEXT_MAX)


def test_email_domain_is_lower_cased_and_invalid_addresses_refused():
    assert (
        validation.clean_email("Anna.Berg@Angered.Goteborg.SE") == "Anna.Berg@angered.goteborg.se"
    )
    for bad in ["no-at-sign", "a@", "@b.se", "a b@c.se", "x" * 250 + "@a.se"]:
        with pytest.raises(ValidationError):
            validation.clean_email(bad)


@pytest.mark.parametrize("code", ["A", "SDF-ANG", "unit_12", "x" * 20, "SDF-ÖG"])
def test_valid_codes(code):
    assert validation.clean_code(code) == code


@pytest.mark.parametrize("code", ["", "with space", "x" * 21, "a/b", "a.b"])
def test_invalid_codes(code):
    with pytest.raises(ValidationError):
        validation.clean_code(code)
