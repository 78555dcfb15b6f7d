"""The diary CSV reader on its own: one pass, rows yielded as they are read."""

import datetime
from decimal import Decimal

import pytest

from waypoint.diary.csv_import import CsvFormatError, DiaryDays, DiaryRow, RowError, read_diary_csv

TODAY = datetime.date(2024, 6, 1)


def test_reader_streams_rows_as_it_reads():
    consumed = []

    def lines():
        yield "date,substance,amount,unit\n"
        for n in range(1, 1_000_000):
            consumed.append(n)
            yield f"2024-01-01,alcohol,{n % 5},drinks\n"

    rows = read_diary_csv(lines(), today=TODAY)
    first = next(rows)
    assert isinstance(first, DiaryRow)
    assert first.line == 2
    assert len(consumed) <= 2  # the rest of the file has not been read


def test_reader_converts_alcohol_to_grams():
    rows = list(
        read_diary_csv(
            [
                "Date,Substance,Amount,Unit,ABV\n",
                "2024-01-01,alcohol,2,drinks,\n",  # 2 × 10 g (AU)
                "2024-01-01,beer,375,ml,4.8%\n",  # 375 × 0.048 × 0.789 = 14.202 g
                "2024-01-01,wine,14,g,\n",  # 14 g as given
                "2024-01-01,cannabis,0.5,g,\n",  # not alcohol: 0 g ethanol
                "2024-01-02,none,,,\n",
            ],
            country="AU",
            today=TODAY,
        )
    )
    assert [r.alcohol_grams for r in rows] == pytest.approx([20.0, 14.202, 14.0, 0.0, 0.0])
    assert [r.substance for r in rows] == ["alcohol", "alcohol", "alcohol", "cannabis", "none"]
    assert rows[3].amount == Decimal("0.5")
    assert [r.is_use for r in rows] == [True, True, True, True, False]


def test_zero_amount_is_not_a_use_day():
    days = DiaryDays()
    for row in read_diary_csv(
        ["date,substance,amount,unit\n", "2024-01-01,cannabis,0,g\n"], today=TODAY
    ):
        days.add(row)
    (record,) = days.day_records(None, datetime.date(2024, 1, 1), datetime.date(2024, 1, 1))
    assert record.known and record.substances == frozenset()


def test_day_records_complete_the_calendar():
    days = DiaryDays()
    for row in read_diary_csv(
        [
            "date,substance,amount,unit,money\n",
            "2024-01-01,alcohol,1,drinks,5\n",
            "2024-01-01,alcohol,2,drinks,7.5\n",
            "2024-01-01,opioids,1,points,\n",
            "2024-01-03,cannabis,1,joints,\n",
        ],
        today=TODAY,
    ):
        days.add(row)
    records = list(days.day_records(None, datetime.date(2024, 1, 1), datetime.date(2024, 1, 4)))
    assert [r.day.day for r in records] == [1, 2, 3, 4]
    assert all(r.known for r in records)  # a completed calendar: no unknown days
    assert records[0].alcohol_grams == pytest.approx(42.0)  # 3 US drinks × 14 g
    assert records[0].substances == {"alcohol", "opioids"}
    assert records[0].money_spent == Decimal("12.5")
    assert records[1].substances == frozenset()  # no row: a day with no use
    assert records[2].substances == {"cannabis"}


def test_unknown_country_and_missing_columns():
    with pytest.raises(ValueError, match="unknown country"):
        list(read_diary_csv(["date,substance,amount,unit\n"], country="XX", today=TODAY))
    with pytest.raises(CsvFormatError, match="missing required column amount"):
        list(read_diary_csv(["date,substance,unit\n"], today=TODAY))


def test_row_error_text():
    assert str(RowError(7, "amount -1 is negative")) == "line 7: amount -1 is negative"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2024-01-01,none,2,", "a 'none' (no use) row cannot have an amount"),
        ("2024-01-01,cannabis,1,g,-3", "money -3 is negative"),
        ("2024-01-01,cannabis,NaN,g,", "amount 'NaN' is not a number"),
        ("2024-01-01,alcohol,Infinity,g,", "amount 'Infinity' is not a number"),
    ],
)
def test_more_bad_rows(row, reason):
    (result,) = read_diary_csv(["date,substance,amount,unit,money\n", row + "\n"], today=TODAY)
    assert result == RowError(2, reason)
