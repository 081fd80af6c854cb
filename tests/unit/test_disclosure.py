"""Small groups stay hidden: counts of 1 to 4 are suppressed, and a hidden count can never be
worked out from the total, not even by someone who knows exactly how the hiding works."""

import itertools
import random

import pytest

from portal.domain.disclosure import (
    MINIMUM_GROUP,
    PROTECTS,
    SMALL,
    Breakdown,
    suppress,
    suppress_count,
)


def shown(breakdown: Breakdown) -> tuple:
    """What a reader sees: per cell its reason and count, and the total likewise."""
    cells = tuple((cell.reason, cell.count) for cell in breakdown)
    return cells, (breakdown.total.reason, breakdown.total.count)


def possible_truths(breakdown: Breakdown, knows_the_rules: bool = True, cap: int = 14):
    """Every breakdown that would look exactly like this one to a reader.

    The reader knows the shown counts and the total, that "<5" holds 1 to 4 and that a cell
    hidden to protect holds at least 5. Knowing the rules, the reader also runs `suppress`
    on each guess and keeps only the guesses that come out looking the same. Without a total,
    hidden cells are tried up to `cap`: enough to find two possible values, which is all the
    tests ask for there.
    """
    cells, (total_reason, total) = shown(breakdown)
    ranges = []
    for reason, count in cells:
        if reason is None:
            ranges.append(range(count, count + 1))
        elif reason == SMALL:
            ranges.append(range(1, MINIMUM_GROUP))
        else:
            ranges.append(range(MINIMUM_GROUP, (total if total is not None else cap) + 1))
    hidden = [i for i, (reason, _) in enumerate(cells) if reason]
    truths = []
    # With the total known, the last hidden cell is what the others leave of it.
    free = hidden[:-1] if total is not None else hidden
    for values in itertools.product(*(ranges[i] for i in free)):
        guess = [count for _, count in cells]
        for i, value in zip(free, values, strict=True):
            guess[i] = value
        if total is not None:
            last = hidden[-1]
            guess[last] = total - sum(guess[i] for i in range(len(guess)) if i != last)
            if guess[last] not in ranges[last]:
                continue
        if knows_the_rules and shown(suppress(dict(enumerate(guess)))) != shown(breakdown):
            continue
        truths.append(tuple(guess))
    return truths


# --- single counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("count, result", [(0, 0), (1, None), (4, None), (5, 5), (120, 120)])
def test_a_single_count_is_hidden_from_1_to_4(count, result):
    assert suppress_count(count) == result


@pytest.mark.parametrize("bad", [-1, 2.5, "3", True, None])
def test_a_count_must_be_a_whole_number_of_0_or_more(bad):
    with pytest.raises(ValueError):
        suppress_count(bad)
    with pytest.raises(ValueError):
        suppress({"a": bad, "b": 10})


# --- one breakdown ----------------------------------------------------------------------------


def test_nothing_is_hidden_when_no_group_is_small():
    breakdown = suppress({"ja": 12, "nee": 30, "liever niet": 0})
    assert [cell.count for cell in breakdown] == [12, 30, 0]
    assert breakdown.total.count == 42
    assert not breakdown.any_hidden


def test_zero_is_shown_as_zero_not_as_a_small_group():
    breakdown = suppress({"ja": 0, "nee": 0, "liever niet": 7})
    assert [(cell.count, cell.reason) for cell in breakdown] == [(0, None), (0, None), (7, None)]


def test_a_small_group_is_hidden_and_another_cell_protects_it():
    breakdown = suppress({"ja": 4, "nee": 20, "liever niet": 0})
    assert (breakdown["ja"].count, breakdown["ja"].reason) == (None, SMALL)
    assert (breakdown["nee"].count, breakdown["nee"].reason) == (None, PROTECTS)
    assert breakdown["liever niet"].count == 0
    assert breakdown.total.count == 24
    assert [cell.symbol for cell in breakdown] == ["<5", "x", "0"]


def test_without_a_total_only_the_small_groups_are_hidden():
    breakdown = suppress({"ja": 4, "nee": 20}, with_total=False)
    assert [cell.reason for cell in breakdown] == [SMALL, None]
    assert breakdown["nee"].count == 20


def test_a_small_total_is_hidden_with_all_its_groups():
    breakdown = suppress({"ja": 3, "nee": 0, "liever niet": 1})
    assert [cell.symbol for cell in breakdown] == ["<5", "0", "<5"]
    assert breakdown.total.reason == SMALL and breakdown.total.count is None


def test_two_small_groups_that_add_up_to_a_known_small_number_are_protected():
    # 1 + 1 = 32 - 30: shown as it is, the two hidden cells could only be 1 and 1.
    breakdown = suppress({"a": 1, "b": 1, "c": 30})
    assert [cell.reason for cell in breakdown] == [SMALL, SMALL, PROTECTS]


def test_cells_are_hidden_to_protect_in_the_order_given_not_by_size():
    """Hiding the smallest next would tell the reader the hidden cell is smaller than the rest."""
    breakdown = suppress({"a": 2, "b": 40, "c": 6})
    assert [cell.reason for cell in breakdown] == [SMALL, PROTECTS, None]


def test_when_nothing_can_protect_a_small_group_the_total_is_hidden():
    # 1 and 5: whatever else is hidden, the total would give the 1 away.
    breakdown = suppress({"ja": 1, "nee": 5})
    assert breakdown.total.reason == PROTECTS and breakdown.total.count is None
    assert [cell.count for cell in breakdown] == [None, None]


def test_the_minimum_can_be_set_higher():
    breakdown = suppress({"ja": 7, "nee": 50}, minimum=10)
    assert (breakdown["ja"].reason, breakdown["ja"].symbol) == (SMALL, "<10")
    assert breakdown["nee"].reason == PROTECTS


# --- the attack: can a hidden count be worked out? ---------------------------------------------


def test_four_people_with_a_rare_answer_cannot_be_found():
    breakdown = suppress({"ja": 4, "nee": 96, "liever niet": 0, "niet beantwoord": 17})
    truths = possible_truths(breakdown)
    assert (4, 96, 0, 17) in truths
    assert {truth[0] for truth in truths} == {1, 2, 3, 4}  # "<5" and not one bit more


@pytest.mark.parametrize("seed", range(3))
def test_no_hidden_count_can_be_worked_out_from_the_total(seed):
    """Random breakdowns, attacked by brute force: every shown breakdown leaves each hidden
    cell at least two possible values for a reader who knows the rules, and each small one all
    of 1 to 4 for a reader who knows only what the page says."""
    rng = random.Random(seed)
    attacked = 0
    for _ in range(80):
        values = [rng.choice((0, 0, 1, 2, 3, 4, 5, 6, 9)) for _ in range(rng.randint(2, 5))]
        breakdown = suppress(dict(enumerate(values)))
        hidden = [i for i, cell in enumerate(breakdown) if cell.hidden]
        if not hidden:
            continue
        attacked += 1
        truths = possible_truths(breakdown)
        assert tuple(values) in truths
        for i in hidden:
            assert len({truth[i] for truth in truths}) >= 2, (values, i, shown(breakdown))
        if breakdown.total.hidden:
            continue
        naive = possible_truths(breakdown, knows_the_rules=False)
        for i in hidden:
            if breakdown.cells[i].reason == SMALL:
                assert {truth[i] for truth in naive} == {1, 2, 3, 4}, (values, i)
    assert attacked > 30
