"""Timeline Followback saves keep history like every other diary edit (docs/goals-and-diary.md:
"Edits keep history"), and the grid is read by a form whose bad boxes are field errors."""

import datetime
from decimal import Decimal

from django.urls import reverse

from waypoint.diary import actions
from waypoint.diary.forms import TimelineFollowbackForm
from waypoint.diary.models import DiaryEntry

MONDAY = datetime.date(2026, 6, 1)
TUESDAY, WEDNESDAY = MONDAY + datetime.timedelta(days=1), MONDAY + datetime.timedelta(days=2)


def _save(chart, by, cells):
    return actions.save_timeline_followback(
        chart,
        by=by,
        first=MONDAY,
        last=WEDNESDAY,
        cells=cells,
        units={"alcohol": "drinks", "cannabis": "joints"},
    )


def _history(chart):
    return sorted(
        (h.history_type, h.day, h.kind, h.substance, h.amount, h.history_user_id)
        for h in DiaryEntry.history.filter(client=chart)
    )


def test_tlfb_save_writes_history_rows_for_created_changed_and_removed(client_chart, clinician):
    _save(client_chart, clinician, {MONDAY: {"alcohol": Decimal(6)}, TUESDAY: {"alcohol": 0}})
    assert _history(client_chart) == [
        ("+", MONDAY, "use", "alcohol", Decimal(6), clinician.pk),
        ("+", TUESDAY, "no_use", "", None, clinician.pk),
    ]
    monday = DiaryEntry.objects.get(client=client_chart, day=MONDAY)

    # Monday recalled as 4, Tuesday now blank (not recalled), Wednesday 1 joint.
    result = _save(
        client_chart, clinician, {MONDAY: {"alcohol": Decimal(4)}, WEDNESDAY: {"cannabis": 1}}
    )
    assert result.days_cleared == 1
    assert _history(client_chart) == [
        ("+", MONDAY, "use", "alcohol", Decimal(6), clinician.pk),
        ("+", TUESDAY, "no_use", "", None, clinician.pk),
        ("+", WEDNESDAY, "use", "cannabis", Decimal(1), clinician.pk),
        ("-", TUESDAY, "no_use", "", None, clinician.pk),
        ("~", MONDAY, "use", "alcohol", Decimal(4), clinician.pk),
    ]
    # The same row was changed in place: its history holds the old and the new amount.
    assert DiaryEntry.objects.get(client=client_chart, day=MONDAY).pk == monday.pk
    assert [h.amount for h in monday.history.order_by("history_date")] == [6, 4]


def test_tlfb_save_of_the_same_answers_writes_no_new_history(client_chart, clinician):
    cells = {MONDAY: {"alcohol": Decimal(2)}, TUESDAY: {"cannabis": 0}}
    _save(client_chart, clinician, cells)
    before = DiaryEntry.history.count()
    _save(client_chart, clinician, cells)
    assert DiaryEntry.history.count() == before


def test_tlfb_form_gives_field_errors():
    form = TimelineFollowbackForm(
        {
            f"c-alcohol-{MONDAY}": "-1",
            f"c-alcohol-{TUESDAY}": "two",
            f"c-alcohol-{WEDNESDAY}": "1,5",
            f"c-cannabis-{MONDAY}": "0.125",
            "unit-cannabis": "drinks",
        },
        first=MONDAY,
        last=WEDNESDAY,
        substances=["alcohol", "cannabis"],
    )
    assert not form.is_valid()
    assert form.errors[f"c-alcohol-{MONDAY}"] == ["The amount cannot be negative."]
    assert form.errors[f"c-alcohol-{TUESDAY}"] == ["Type a number, e.g. 2 or 0."]
    assert form.errors[f"c-cannabis-{MONDAY}"] == ["Use at most two decimals."]
    assert "unit-cannabis" in form.errors  # cannabis is not counted in standard drinks
    assert form.cells() == {WEDNESDAY: {"alcohol": Decimal("1.5")}}


def test_tlfb_page_with_a_bad_unit_saves_nothing(login, clinician, client_chart):
    day = client_chart.organization.today() - datetime.timedelta(days=1)
    response = login(clinician).post(
        reverse("diary-tlfb", args=[client_chart.pk]),
        {"days": "30", "unit-alcohol": "joints", f"c-alcohol-{day}": "2"},
    )
    assert response.status_code == 400
    assert "A unit needs a fix; nothing was saved." in response.content.decode()
    assert not DiaryEntry.objects.exists()
