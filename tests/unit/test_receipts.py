"""Receipt codes: easy to type, impossible to guess, typos caught by the check character."""

import itertools

import pytest

from portal.domain import receipts


def test_a_new_code_is_twelve_characters_from_the_alphabet_and_valid():
    code = receipts.new_code()
    assert len(code) == 12
    assert set(code) <= set(receipts.ALPHABET)
    assert receipts.is_valid(code)


def test_codes_do_not_repeat():
    codes = {receipts.new_code() for _ in range(20_000)}
    assert len(codes) == 20_000


def test_the_alphabet_has_no_characters_that_look_alike():
    assert not set("ILOU") & set(receipts.ALPHABET)


@pytest.mark.parametrize("code", [receipts.new_code() for _ in range(20)])
def test_every_single_mistyped_character_is_caught(code):
    for position, wrong in itertools.product(range(len(code)), receipts.ALPHABET):
        if wrong != code[position]:
            typo = code[:position] + wrong + code[position + 1 :]
            assert not receipts.is_valid(typo), (code, typo)


def test_almost_every_swap_of_neighbours_is_caught():
    caught = total = 0
    for _ in range(300):
        code = receipts.new_code()
        for i in range(len(code) - 1):
            if code[i] != code[i + 1]:
                swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
                total += 1
                caught += not receipts.is_valid(swapped)
    assert caught / total > 0.95


def test_people_may_type_codes_loosely():
    code = receipts.new_code()
    shown = receipts.display(code)
    assert shown.count("-") == 2 and shown.replace("-", "") == code
    assert receipts.normalise(f"  {shown.lower()} ") == code
    assert receipts.normalise(" ".join(code)) == code


def test_letters_that_look_like_digits_are_read_as_digits():
    payload = "0110" + "ABCDEFG"
    code = payload + receipts.check_character(payload)
    assert receipts.normalise("OIL0" + code[4:]) == code


@pytest.mark.parametrize(
    "text", ["", "ABC", "7KQM-3XRD-9HW", "7KQM-3XRD-9HWP-X", "ÄÖÜ€" * 3, "!" * 12]
)
def test_what_cannot_be_a_code_is_refused(text):
    with pytest.raises(receipts.InvalidCode):
        receipts.normalise(text)
