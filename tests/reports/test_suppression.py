"""Small-cell suppression (CMS policy: 1 to 10 suppressed) with complementary suppression.

The property tests attack the output the way a reader would: with the shown cells, the totals
and the relations, is any suppressed cell's value fixed? The attacker here is written
independently of the implementation: a suppressed cell is fixed exactly when its column of the
relation matrix is NOT a linear combination of the other unknown cells' columns (column rank),
whereas the implementation looks for unit vectors in the row space. A brute-force attacker
enumerates every integer filling on small tables as a second, assumption-free check.
"""

import itertools
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from waypoint.reports.suppression import Pair, Relation, is_small, suppress, suppress_table


def _rank(columns: list[list[Fraction]]) -> int:
    """Rank of a matrix given as columns, by elimination on a copy (exact)."""
    rows = [list(r) for r in zip(*columns, strict=True)] if columns else []
    rank = 0
    width = len(columns)
    for col in range(width):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                f = rows[r][col] / rows[rank][col]
                rows[r] = [a - f * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


small_tables = st.integers(min_value=1, max_value=5).flatmap(
    lambda n: st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 40)),
        min_size=n,
        max_size=n,
    )
)


def _build(rows_in):
    """Rows of (assessed, improved ≤ assessed) and a served column; totals by summing."""
    rows = {}
    for i, (a, b) in enumerate(rows_in):
        assessed = max(a, b)
        improved = min(a, b)
        rows[f"p{i}"] = {"served": assessed + (a % 7), "assessed": assessed, "improved": improved}
    total = {c: sum(r[c] for r in rows.values()) for c in ("served", "assessed", "improved")}
    return rows, total


COLUMNS = ("served", "assessed", "improved")
PAIRS = (Pair("improved", "assessed"),)


def _attack(rows, total, shown_rows, shown_total):
    """Every cell (hidden complements included) whose value is fixed by what is shown."""
    cells, relations = {}, []
    for key, row in [*rows.items(), ("TOTAL", total)]:
        for c in COLUMNS:
            cells[(key, c)] = row[c]
        cells[(key, "rest")] = row["assessed"] - row["improved"]
        relations.append(Relation((key, "assessed"), ((key, "improved"), (key, "rest"))))
    for c in (*COLUMNS, "rest"):
        relations.append(Relation(("TOTAL", c), tuple((k, c) for k in rows)))
    shown = {}
    for key, row in [*shown_rows.items(), ("TOTAL", shown_total)]:
        for c in COLUMNS:
            if row[c] is not None:
                shown[(key, c)] = row[c]
    unknown = [cell for cell in cells if cell not in shown]
    return cells, shown, _fixed_by_column_rank(relations, unknown)


def _fixed_by_column_rank(relations, unknown) -> set:
    def column(cell):
        return [
            Fraction((relation.total == cell) - sum(p == cell for p in relation.parts))
            for relation in relations
        ]

    columns = {cell: column(cell) for cell in unknown}
    full = _rank(list(columns.values())) if unknown else 0
    fixed = set()
    for cell in unknown:
        others = [columns[c] for c in unknown if c != cell]
        if full > (_rank(others) if others else 0):
            fixed.add(cell)
    return fixed


@settings(max_examples=300, deadline=None)
@given(small_tables)
def test_no_small_cell_is_shown_or_derivable(rows_in):
    rows, total = _build(rows_in)
    shown_rows, shown_total = suppress_table(rows, total, columns=COLUMNS, pairs=PAIRS)
    cells, shown, fixed = _attack(rows, total, shown_rows, shown_total)
    # Nothing shown is small, and what is shown is the true value.
    for cell, value in shown.items():
        assert not is_small(value), cell
        assert value == cells[cell]
    # No small value, shown or hidden, can be worked out from the shown cells.
    for cell in fixed:
        assert not is_small(cells[cell]), (cell, cells[cell], shown)


@settings(max_examples=300, deadline=None)
@given(small_tables)
def test_cells_of_eleven_or_more_are_shown_unless_needed(rows_in):
    rows, total = _build(rows_in)
    shown_rows, shown_total = suppress_table(rows, total, columns=COLUMNS, pairs=PAIRS)
    if all(not is_small(v) for r in [*rows.values(), total] for v in r.values()) and all(
        not is_small(r["assessed"] - r["improved"]) for r in [*rows.values(), total]
    ):
        assert shown_rows == rows
        assert shown_total == total


def _brute_force_fixed(values, relations, unknown, limit):
    """Enumerate integer fillings 0..limit of the unknown cells consistent with every relation."""
    seen = {cell: set() for cell in unknown}
    for filling in itertools.product(range(limit + 1), repeat=len(unknown)):
        trial = {**values, **dict(zip(unknown, filling, strict=True))}
        if all(trial[r.total] == sum(trial[p] for p in r.parts) for r in relations):
            for cell, value in zip(unknown, filling, strict=True):
                seen[cell].add(value)
    return {cell for cell, options in seen.items() if len(options) == 1}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 14), min_size=2, max_size=3))
def test_brute_force_attacker_never_recovers_a_small_part(parts):
    values = {f"r{i}": v for i, v in enumerate(parts)}
    values["total"] = sum(parts)
    relations = [Relation("total", tuple(f"r{i}" for i in range(len(parts))))]
    hidden = suppress(values, relations)
    shown = {k: v for k, v in values.items() if k not in hidden}
    unknown = sorted(hidden)
    if not unknown:
        assert not any(is_small(v) for v in values.values())
        return
    fixed = _brute_force_fixed(shown, relations, unknown, limit=values["total"])
    for cell in fixed:
        assert not is_small(values[cell])


def test_a_single_small_row_also_hides_a_second_row():
    """Total 40 = 5 + 15 + 20: hiding 5 alone lets it out as 40 − 15 − 20."""
    values = {"total": 40, "a": 5, "b": 15, "c": 20}
    hidden = suppress(values, [Relation("total", ("a", "b", "c"))])
    assert hidden == {"a", "b"}  # b: the smallest other part, not the total


def test_zero_is_shown_and_ten_is_not():
    values = {"total": 30, "a": 0, "b": 10, "c": 20}
    hidden = suppress(values, [Relation("total", ("a", "b", "c"))])
    assert "a" not in hidden
    assert "b" in hidden
    assert len(hidden) == 2


def test_a_small_complement_hides_the_part():
    """20 assessed and 15 improved would show that 5 did not improve."""
    rows = {"p": {"assessed": 20, "improved": 15}}
    total = {"assessed": 20, "improved": 15}
    shown_rows, shown_total = suppress_table(
        rows, total, columns=("assessed", "improved"), pairs=[Pair("improved", "assessed")]
    )
    assert shown_rows["p"]["assessed"] == 20
    assert shown_rows["p"]["improved"] is None
    assert shown_total["improved"] is None


def test_eleven_is_the_smallest_shown_count():
    assert is_small(1) and is_small(10)
    assert not is_small(0) and not is_small(11)
