"""Query parameters shared by the API's operations: bounded paging, date windows, and the
refusal of parameters an operation does not have (docs/api.md)."""

import datetime
import functools
import re

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import BaseModel, ConfigDict, field_validator

PAGE_PARAMETERS = frozenset({"limit", "offset"})

# PostgreSQL's OFFSET and LIMIT are bigint: a larger number from a client is a 400, not a 500.
MAX_OFFSET = 2**31 - 1
MAX_LIMIT = settings.NINJA_PAGINATION_MAX_LIMIT


class Page(LimitOffsetPagination):
    """Limit/offset paging with both numbers bounded, so any query string gets an answer.

    `shown`, if given, is called as `shown(request, items)` with the rows of the page about to
    be answered: operations whose rows name charts other than the one in the path (a
    clinician's calendar, a group's sessions) decide there what each row may show (with one
    query for the page) and record one audit event per chart shown, as their web pages do, and
    only for the charts actually sent.
    """

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, shown=None, **kwargs):
        self.shown = shown
        super().__init__(max_limit=MAX_LIMIT, **kwargs)

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        if self.shown is not None:
            page[self.items_attribute] = list(page[self.items_attribute])
            self.shown(request, page[self.items_attribute])
        return page


class UnknownParameters(Exception):
    def __init__(self, names):
        self.names = sorted(names)


class BadParameter(Exception):
    """A query parameter that parses but makes no sense (`from` after `to`): a 400 naming it."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


class Refused(Exception):
    """A write refused by a form or an action's rule: answered as `status` with the API's JSON
    error naming the fields. Raised (not returned) so that a transaction around the write rolls
    back whatever it had done."""

    def __init__(self, message: str = "", fields: dict[str, list[str]] | None = None, status=400):
        self.fields = fields or {}
        self.message = message or f"Check these fields: {', '.join(sorted(self.fields))}."
        self.status = status
        super().__init__(self.message)

    @classmethod
    def by_form(cls, form, rename: dict[str, str] | None = None) -> "Refused":
        """The form's errors, under the API's names for its fields (`clinician` →
        `clinician_id`)."""
        rename = rename or {}
        fields = {
            rename.get(name, name): list(errors)
            for name, errors in form.errors.items()
            if name != "__all__"
        }
        return cls(" ".join(form.errors.get("__all__", [])), fields)

    @classmethod
    def on(cls, field: str, message: str, status=400) -> "Refused":
        return cls(message, {field: [message]}, status)


def known_query(*names):
    """Refuse query parameters the operation does not have (a typo such as `?sinse=` would
    otherwise silently return everything)."""
    allowed = PAGE_PARAMETERS | set(names)

    def decorate(view):
        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            unknown = set(request.GET) - allowed
            if unknown:
                raise UnknownParameters(unknown)
            return view(request, *args, **kwargs)

        return checked

    return decorate


ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_day(value):
    """Only `YYYY-MM-DD`: pydantic would also read a number as seconds since 1970 (`from=0`)."""
    if value is None or isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not ISO_DAY.match(value):
        raise ValueError("Enter a date as YYYY-MM-DD.")
    return value


class DateRange(BaseModel):
    """`?since=&until=` of the diary (the first operation; kept as it was published)."""

    since: datetime.date | None = None
    until: datetime.date | None = None

    _iso = field_validator("since", "until", mode="before")(iso_day)


class DateWindow(BaseModel):
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD`, both days included, either one optional."""

    model_config = ConfigDict(populate_by_name=True)

    start: datetime.date | None = Field(None, alias="from", description="first day, included")
    end: datetime.date | None = Field(None, alias="to", description="last day, included")

    _iso = field_validator("start", "end", mode="before")(iso_day)

    def checked(self) -> "DateWindow":
        if self.start and self.end and self.start > self.end:
            raise BadParameter("from", "`from` must be on or before `to`.")
        return self

    def filter(self, rows, field: str):
        """Rows whose date `field` falls in the window."""
        self.checked()
        if self.start:
            rows = rows.filter(**{f"{field}__gte": self.start})
        if self.end:
            rows = rows.filter(**{f"{field}__lte": self.end})
        return rows

    def filter_moments(self, rows, field: str, zone):
        """Rows whose timestamp `field` falls on one of the window's days in the clinic's zone."""
        self.checked()
        # At the ends of the calendar a day's midnight in UTC would be out of range (year 0 or
        # 10000): such a bound excludes nothing, so it is left out.
        if self.start and self.start > _FIRST:
            start = datetime.datetime.combine(self.start, datetime.time(), zone)
            rows = rows.filter(**{f"{field}__gte": start})
        if self.end and self.end < _LAST:
            after = self.end + datetime.timedelta(days=1)
            rows = rows.filter(
                **{f"{field}__lt": datetime.datetime.combine(after, datetime.time(), zone)}
            )
        return rows


_FIRST = datetime.date.min + datetime.timedelta(days=2)
_LAST = datetime.date.max - datetime.timedelta(days=2)
