"""CSV downloads that stream: rows are written as they are produced, never held in memory.

`stream_csv(rows, filename)` takes any iterable of rows (a generator over `.iterator()`
querysets) and returns a `StreamingHttpResponse`, named and marked no-store through
`waypoint.lib.downloads.attachment`. Django's own pattern ("Streaming large CSV files", the
`Echo` pseudo-buffer) so memory stays flat however many rows there are. `csv_cell` neutralizes
spreadsheet formulas in typed text (CSV injection: a cell starting with = + - @ is prefixed with ').
"""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

from waypoint.lib.downloads import attachment


class _Echo:
    """A file-like object whose write returns the text, for csv.writer to hand back each row."""

    def write(self, value: str) -> str:
        return value


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def stream_csv(rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8"
    )
    return attachment(response, filename)
