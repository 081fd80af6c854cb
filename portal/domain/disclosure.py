"""Small groups are never shown: counts of 1 to 4 people are suppressed, and so is whatever
would let someone work them out again from a total.

Every screen, export, API answer or chart that shows counts of "over mij" answers (or any
other count of people in groups) goes through this module:

* `suppress_count(n)` for a single number;
* `suppress(counts)` for one breakdown: the answers to one question, with their total.

The rules:

1. Primary suppression: a count from 1 to MINIMUM_GROUP - 1 is not shown ("<5").
2. Zero is shown as 0: nobody is in that group, so nobody can be recognised in it.
3. Secondary suppression: where the total is shown, the hidden cells must not be computable
   from it. More cells are hidden (reason PROTECTS), in the order the breakdown lists them,
   not by size, so that which cell is hidden says nothing about its size, until someone who
   knows the total and these rules still cannot tell a hidden small count: every value from
   1 to 4 stays possible. When no cell is left to hide, the total is hidden instead.

What "still possible" means: a reader knows every shown number and the total, that a "<5"
cell holds 1 to 4 and that a cell hidden to protect holds at least 5 (it was not small).
The hidden cells add up to the total minus what is shown; `_safe` checks that, within those
bounds, each small cell can still be 1, 2, 3 or 4. tests/unit/test_disclosure.py attacks
this by brute force, also knowing the order in which cells are hidden.

A hidden cell has `count` None and says why in `reason`: SMALL or PROTECTS. What a page prints
for each is up to the page; `Cell.symbol` gives the plain-text form for files ("<5", "x").

One breakdown at a time: this does not protect a cross-table (rows by columns with totals both
ways) nor the same group cut in several overlapping ways; those need an audit of their own.
Breakdowns that share a total (answers to different questions by the same people, each with
its "no answer") are safe together, because each is safe with the total known.
"""

from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

MINIMUM_GROUP = 5
SMALL = "small"  # primary suppression: 1 to MINIMUM_GROUP - 1 people
PROTECTS = "protects"  # secondary suppression: hidden so a small group cannot be computed

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Cell(Generic[K]):
    """One number as it may be shown: `count` None when it is hidden, and why."""

    key: K
    count: int | None
    reason: str | None = None  # None when shown, else SMALL or PROTECTS
    minimum: int = MINIMUM_GROUP

    @property
    def hidden(self) -> bool:
        return self.reason is not None

    @property
    def symbol(self) -> str:
        """Plain text for files and charts: the number, "<5" or "x"."""
        if self.reason == SMALL:
            return f"<{self.minimum}"
        if self.reason == PROTECTS:
            return "x"
        return str(self.count)


@dataclass(frozen=True)
class Breakdown(Generic[K]):
    """A suppressed breakdown: its cells in the order given, and its total."""

    cells: tuple[Cell[K], ...]
    total: Cell[None]

    def __iter__(self) -> Iterator[Cell[K]]:
        return iter(self.cells)

    def __getitem__(self, key: K) -> Cell[K]:
        for cell in self.cells:
            if cell.key == key:
                return cell
        raise KeyError(key)

    @property
    def any_hidden(self) -> bool:
        return self.total.hidden or any(cell.hidden for cell in self.cells)


def is_small(count: int, minimum: int = MINIMUM_GROUP) -> bool:
    return 0 < count < minimum


def suppress_count(count: int, minimum: int = MINIMUM_GROUP) -> int | None:
    """A single count as it may be shown: None for 1 to minimum - 1, else the count."""
    _check(count)
    return None if is_small(count, minimum) else count


def suppress(
    counts: Mapping[K, int], *, with_total: bool = True, minimum: int = MINIMUM_GROUP
) -> Breakdown[K]:
    """Suppress one breakdown: `counts` maps each category (in display order) to its count.

    With `with_total` (the default) the sum of the counts is shown as the breakdown's total,
    and secondary suppression keeps the hidden cells from being computed from it. Without a
    total only the small counts themselves are hidden. Pass every category, also those with
    count 0: a category that is left out is not protected.
    """
    keys = list(counts)
    for key in keys:
        _check(counts[key])
    total = sum(counts.values())
    reasons = {key: SMALL for key in keys if is_small(counts[key], minimum)}
    total_reason = SMALL if with_total and is_small(total, minimum) else None
    if with_total and reasons and total_reason is None:
        candidates = [key for key in keys if counts[key] >= minimum]
        while not _safe(
            [counts[key] for key, reason in reasons.items() if reason == SMALL],
            [counts[key] for key, reason in reasons.items() if reason == PROTECTS],
            minimum,
        ):
            if not candidates:
                total_reason = PROTECTS
                break
            reasons[candidates.pop(0)] = PROTECTS
    return Breakdown(
        cells=tuple(_cell(key, counts[key], reasons.get(key), minimum) for key in keys),
        total=_cell(None, total, total_reason, minimum),
    )


# --- how -------------------------------------------------------------------------------------


def _check(count: int) -> None:
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"a count is a whole number of 0 or more, not {count!r}")


def _safe(small: list[int], protecting: list[int], minimum: int) -> bool:
    """Whether every small cell could still be any of 1 .. minimum - 1 for a reader who knows
    the sum of all hidden cells, that small ones hold 1 .. minimum - 1 and protecting ones at
    least `minimum`.

    Take one small cell at value v: the other hidden cells must make up the rest. They make
    at least (number of other small cells) + minimum * (number of protecting cells), so the
    rest may not fall below that even for v = minimum - 1. Without a protecting cell the
    others make at most (minimum - 1) each, so the rest may not exceed that for v = 1.
    """
    if not small:
        return True
    slack = sum(value - 1 for value in small) + sum(value - minimum for value in protecting)
    if slack < minimum - 2:
        return False
    if not protecting:
        return sum(small) - 1 <= (len(small) - 1) * (minimum - 1)
    return True


def _cell(key, count: int, reason: str | None, minimum: int) -> Cell:
    return Cell(key=key, count=None if reason else count, reason=reason, minimum=minimum)
