"""Small-cell suppression for de-identified aggregate tables, with complementary suppression.

Source: Centers for Medicare & Medicaid Services, *CMS Cell Size Suppression Policy* (ResDAC,
https://resdac.org/node/1506, version of January 26, 2024; also hhs.gov/guidance, version of
May 8, 2017; checked December 2026): "no cell (e.g. admissions, discharges, patients, services,
etc.) containing a value of 1 to 10 can be reported directly. A value of zero does not violate
the minimum cell size policy. In addition, no cell can be reported that allows a value of 1 to 10
to be derived from other reported cells or information." Hiding further cells so that a small
one cannot be derived is *complementary* (secondary) suppression (Hundepool et al., *Statistical
Disclosure Control*, Wiley 2012, ch. 4 and 5).

The model here is linear: a table is a set of cells with integer values and a list of additive
relations `total = part + part + ...` that a reader may know or assume (a column's total is the
sum of its programs; a count of people assessed is those who improved plus those who did not).
Some cells are never shown (`hidden`: the "did not improve" counts a reader can get by
subtraction); they are in the relations so that a small hidden value is protected too.

A suppressed cell is *derivable* when its value is fixed by the shown values and the relations
alone, whatever the other suppressed cells are: its unit vector lies in the row space of the
relation matrix restricted to the unknown cells. `suppress` finds it exactly, with rational
Gaussian elimination (no floating point), and keeps hiding the smallest shown cell of a relation
that lets a small value out until none does. Narrowing a suppressed cell to a range (two hidden
cells summing to 12 are each between 2 and 10 when both are at least 2) is not exact derivation
and is allowed by the policy; this module does not try to prevent it.

Pure functions, no ORM: tested with hypothesis in tests/reports/test_suppression.py.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

MINIMUM_CELL = 11  # CMS: values 1 to 10 are suppressed


@dataclass(frozen=True)
class Relation:
    """`total` = sum of `parts`, as a reader of the table may know or assume."""

    total: Hashable
    parts: tuple

    @property
    def cells(self) -> tuple:
        return (self.total, *self.parts)


def is_small(value: int, minimum: int = MINIMUM_CELL) -> bool:
    """1 to minimum - 1 people (zero is not small: CMS allows zero cells)."""
    return 0 < value < minimum


def _rref_rows(matrix: list[list[Fraction]]) -> list[list[Fraction]]:
    """Reduced row echelon form (exact); returns the nonzero rows."""
    rows = [row[:] for row in matrix]
    pivot_row = 0
    width = len(rows[0]) if rows else 0
    for col in range(width):
        found = next((r for r in range(pivot_row, len(rows)) if rows[r][col] != 0), None)
        if found is None:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        pivot = rows[pivot_row][col]
        rows[pivot_row] = [value / pivot for value in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
        if pivot_row == len(rows):
            break
    return rows[:pivot_row]


def derivable(relations: Sequence[Relation], unknown: Iterable[Hashable]) -> set:
    """The unknown cells whose value the relations fix, given every other cell's value."""
    unknown = list(dict.fromkeys(unknown))
    index = {key: i for i, key in enumerate(unknown)}
    matrix = []
    for relation in relations:
        row = [Fraction(0)] * len(unknown)
        touched = False
        if relation.total in index:
            row[index[relation.total]] += 1
            touched = True
        for part in relation.parts:
            if part in index:
                row[index[part]] -= 1
                touched = True
        if touched:
            matrix.append(row)
    if not matrix:
        return set()
    found = set()
    for row in _rref_rows(matrix):
        nonzero = [i for i, value in enumerate(row) if value != 0]
        if len(nonzero) == 1:
            found.add(unknown[nonzero[0]])
    return found


def suppress(
    values: Mapping[Hashable, int],
    relations: Sequence[Relation] = (),
    *,
    hidden: Iterable[Hashable] = (),
    minimum: int = MINIMUM_CELL,
) -> set:
    """The shown cells to suppress so that no value from 1 to minimum - 1 is shown or derivable.

    `values` holds every cell, hidden ones included; `hidden` cells are never shown. Returns the
    suppressed shown cells: the small ones (primary suppression) and those hidden so that no
    small cell can be worked out by subtraction (complementary suppression). Among the cells of a
    relation that would let a small value out, the smallest shown nonzero one is hidden first
    (the least information lost), then zeros, then the total.
    """
    hidden = set(hidden)
    for relation in relations:
        for cell in relation.cells:
            if cell not in values:
                raise KeyError(f"relation names a cell without a value: {cell!r}")
    protected = {key for key, value in values.items() if is_small(value, minimum)}
    suppressed = {key for key in protected if key not in hidden}
    while True:
        unknown = suppressed | hidden
        leaks = sorted(derivable(relations, unknown) & protected, key=repr)
        if not leaks:
            return suppressed
        leak = leaks[0]
        # The shown cells a derivation of the leak can use: those of the relations joined to it
        # through unknown cells. Prefer the cheapest one whose hiding alone protects the leak.
        candidates = _component_cells(relations, leak, unknown)
        if not candidates:
            return suppressed  # nothing left to hide; the relations themselves fix the value
        ordered = sorted(candidates, key=lambda c: _cost(c, values[c], relations))
        choice = next(
            (c for c in ordered if leak not in derivable(relations, unknown | {c})), ordered[0]
        )
        suppressed.add(choice)


def _component_cells(relations, leak, unknown) -> set:
    """Shown cells of every relation linked to `leak` by a chain of shared unknown cells."""
    reached_cells = {leak}
    reached = set()
    changed = True
    while changed:
        changed = False
        for index, relation in enumerate(relations):
            if index in reached or not set(relation.cells) & reached_cells:
                continue
            reached.add(index)
            reached_cells |= {c for c in relation.cells if c in unknown}
            changed = True
    return {c for i in reached for c in relations[i].cells if c not in unknown}


def _cost(cell, value: int, relations) -> tuple:
    is_total = any(relation.total == cell for relation in relations)
    return (value == 0, is_total, value, repr(cell))


# Tables: rows (programs) × columns (measures), a total row, and numerator/denominator pairs.


@dataclass(frozen=True)
class Pair:
    """A count of people (`part`) out of another column (`of`), e.g. improved of assessed.

    The complement (`of` − `part`) is a hidden cell: showing both would show it."""

    part: str
    of: str


def suppress_table(
    rows: Mapping[Hashable, Mapping[str, int]],
    total: Mapping[str, int],
    *,
    columns: Sequence[str],
    pairs: Sequence[Pair] = (),
    minimum: int = MINIMUM_CELL,
) -> tuple[dict, dict]:
    """Suppress a table of people counts: each column's total is the sum of its rows.

    Returns (rows, total) with the same shape, each value an int or None (suppressed). The
    relations: for every column, total = sum of the rows (assumed even when a person counts in
    two rows: the safe side); for every pair, in every row and the total, `of` = `part` +
    hidden complement.
    """
    TOTAL = ("__total__",)
    values: dict = {}
    hidden = set()
    relations: list[Relation] = []
    all_rows = [*rows.items(), (TOTAL, total)]
    for row_key, row in all_rows:
        for column in columns:
            values[(row_key, column)] = int(row[column])
        for pair in pairs:
            complement = (row_key, f"{pair.of}-{pair.part}")
            values[complement] = int(row[pair.of]) - int(row[pair.part])
            if values[complement] < 0:
                raise ValueError(f"{pair.part} is larger than {pair.of} in row {row_key!r}")
            hidden.add(complement)
            relations.append(Relation((row_key, pair.of), ((row_key, pair.part), complement)))
    complement_columns = [f"{pair.of}-{pair.part}" for pair in pairs]
    for column in [*columns, *complement_columns]:
        relations.append(Relation((TOTAL, column), tuple((row_key, column) for row_key in rows)))
    suppressed = suppress(values, relations, hidden=hidden, minimum=minimum)

    def shown(row_key):
        return {
            column: None if (row_key, column) in suppressed else values[(row_key, column)]
            for column in columns
        }

    return {row_key: shown(row_key) for row_key in rows}, shown(TOTAL)
