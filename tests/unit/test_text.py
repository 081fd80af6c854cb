"""Cleaning what residents type."""

from portal.domain.text import clean, has_undecodable_bytes


def test_control_characters_and_nul_bytes_go_but_lines_stay():
    assert clean("a\x00b\x07c\r\nd\re\tf\x85g") == "abc\nd\ne\tfg"


def test_bidi_overrides_and_isolates_go():
    assert clean("x\u202ey\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069z") == "xyz"


def test_scripts_and_emoji_are_kept_and_normalised():
    assert clean("  Café  ") == "Café"  # NFC: e + combining accent becomes é
    for sample in ("الدرج عالٍ", "Немає пандуса", "Łódź", "İstanbul", "👩🏽‍🦽"):
        assert clean(sample) == sample


def test_values_that_are_not_text_pass_unchanged():
    assert clean(None) is None and clean(3) == 3


def test_undecodable_bytes_are_recognised():
    assert has_undecodable_bytes("caf\ufffd")
    assert not has_undecodable_bytes("café") and not has_undecodable_bytes(None)
