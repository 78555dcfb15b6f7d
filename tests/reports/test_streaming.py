"""CSV exports stream: memory does not grow with the number of rows.

The outcome report CSV over N charts and over 10N charts is consumed chunk by chunk under
tracemalloc; the peak for 10N stays within a small bound of the peak for N (a list of all rows,
the old way, grows roughly tenfold).
"""

import csv
import io
import tracemalloc

import pytest
from django.urls import reverse

from waypoint.diary import views as diary_views

pytestmark = pytest.mark.django_db


def _peak(web) -> tuple[int, int]:
    """(peak bytes while streaming the CSV, data rows)."""
    tracemalloc.start()
    try:
        response = web.get(reverse("diary-report"), {"download": "csv"})
        assert response.streaming
        rows = 0
        for chunk in response.streaming_content:
            rows += chunk.count(b"\n")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, rows - 1


def test_outcome_csv_memory_does_not_grow_with_rows(
    login, admin, clinician, make_charts, monkeypatch
):
    monkeypatch.setattr(diary_views, "CSV_CHUNK", 25)
    web = login(admin)
    make_charts(40, clinician, prefix="A")
    web.get(reverse("diary-report"), {"download": "csv"})  # warm caches (templates, imports)
    small, rows = _peak(web)
    assert rows == 40
    make_charts(360, clinician, prefix="B")
    large, rows = _peak(web)
    assert rows == 400
    # Ten times the rows; the peak stays within 1.5 × + 64 KB of the small export's.
    assert large < small * 1.5 + 64 * 1024, (small, large)


def test_streamed_csv_rows_are_complete_across_chunks(
    login, admin, clinician, make_charts, monkeypatch
):
    monkeypatch.setattr(diary_views, "CSV_CHUNK", 7)
    make_charts(30, clinician, prefix="S")
    response = login(admin).get(reverse("diary-report"), {"download": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r[0] for r in rows[1:]] == [f"S-{i:04d}" for i in range(30)]
