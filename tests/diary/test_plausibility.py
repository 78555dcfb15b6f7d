"""One set of plausibility rules for every way an amount enters (issue #10): the diary form, the
portal check-in, the Timeline Followback grid and the CSV reader refuse the same values with the
same reason. (Before: the grid took 999 drinks a day that the form refused, and 5,000 joints or
999,999 spent were accepted everywhere.)"""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from waypoint.diary import plausibility
from waypoint.diary.csv_import import RowError, read_diary_csv
from waypoint.diary.models import DiaryEntry

pytestmark = pytest.mark.django_db

JOINTS = "More than 100 joints in a day is not possible to smoke."
ALCOHOL = "That is more alcohol than a person can drink in a day; check the amount."
MONEY = "More than 10,000 spent in a day looks like a typing error; check it."


def test_rules_refuse_the_impossible_and_allow_the_possible():
    assert plausibility.amount_problem("joints", Decimal(5000)) == JOINTS
    assert plausibility.amount_problem("joint", Decimal(101)) == JOINTS  # CSV spelling
    assert plausibility.amount_problem("joints", Decimal(12)) is None
    # 999 US standard drinks = 13,986 g of ethanol (14 g each, NIAAA)
    assert plausibility.amount_problem("drinks", Decimal(999), alcohol_grams=13986.0) == ALCOHOL
    assert plausibility.amount_problem("drinks", Decimal(20), alcohol_grams=280.0) is None
    assert plausibility.money_problem(Decimal(999_999)) == MONEY
    assert plausibility.money_problem(Decimal("80.50")) is None


def test_diary_form_refuses_5000_joints(login, clinician, client_chart):
    response = login(clinician).post(
        reverse("diary-add", args=[client_chart.pk]),
        {
            "day": client_chart.organization.today().isoformat(),
            "substance": "cannabis",
            "unit": "joints",
            "amount": "5000",
        },
    )
    assert response.context["form"].errors["amount"] == [JOINTS]
    assert not DiaryEntry.objects.exists()


def test_portal_checkin_refuses_999999_spent(login, client_user, client_chart):
    response = login(client_user).post(
        reverse("diary-checkin"),
        {
            "day": client_chart.organization.today().isoformat(),
            "substance": "cannabis",
            "amount": "1",
            "money_spent": "999999",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["money_spent"] == [MONEY]
    assert not DiaryEntry.objects.exists()


def test_tlfb_grid_refuses_999_drinks_like_the_form(login, clinician, client_chart):
    day = client_chart.organization.today() - datetime.timedelta(days=1)
    response = login(clinician).post(
        reverse("diary-tlfb", args=[client_chart.pk]),
        {"days": "30", "unit-alcohol": "drinks", f"c-alcohol-{day}": "999"},
    )
    assert response.status_code == 400
    assert ALCOHOL in response.content.decode()
    assert not DiaryEntry.objects.exists()
    form = login(clinician).post(
        reverse("diary-add", args=[client_chart.pk]),
        {"day": day.isoformat(), "substance": "alcohol", "unit": "drinks", "amount": "999"},
    )
    assert form.context["form"].errors["amount"] == [ALCOHOL]


def test_csv_reader_refuses_the_same_values():
    text = (
        "date,substance,amount,unit,money\n"
        "2026-01-02,cannabis,5000,joints,\n"
        "2026-01-03,alcohol,999,drinks,\n"
        "2026-01-04,cannabis,1,joint,999999\n"
        "2026-01-05,cannabis,2,joints,10\n"
    )
    rows = list(read_diary_csv(io.StringIO(text), today=datetime.date(2026, 2, 1)))
    errors = [str(r) for r in rows if isinstance(r, RowError)]
    assert errors == [
        f"line 2: amount 5000 joints: {JOINTS}",
        f"line 3: amount 999 drinks: {ALCOHOL}",
        f"line 4: money 999999: {MONEY}",
    ]
    assert [r.amount for r in rows if not isinstance(r, RowError)] == [Decimal(2)]


def _ask_then_confirm(web, url, data, *, asked_status=200):
    first = web.post(url, data)
    assert first.status_code == asked_status
    form = first.context["form"]
    assert not DiaryEntry.objects.exists()
    token = form.data["confirm"]
    assert f'name="confirm" value="{token}"' in first.content.decode()
    return form.non_field_errors(), web.post(url, {**data, "confirm": token})


def test_unusual_amount_asks_once_then_saves(login, clinician, client_chart):
    url = reverse("diary-add", args=[client_chart.pk])
    data = {
        "day": client_chart.organization.today().isoformat(),
        "substance": "cannabis",
        "unit": "joints",
        "amount": "30",
    }
    errors, second = _ask_then_confirm(login(clinician), url, data)
    assert errors == [
        "That is a lot of joints for one day. Check it, then save again to record it as it is."
    ]
    assert second.status_code == 302
    assert DiaryEntry.objects.get().amount == 30


def test_changed_values_after_asking_are_asked_about_again(login, clinician, client_chart):
    url = reverse("diary-add", args=[client_chart.pk])
    web = login(clinician)
    day = client_chart.organization.today().isoformat()
    first = web.post(url, {"day": day, "substance": "cannabis", "unit": "joints", "amount": "30"})
    token = first.context["form"].data["confirm"]
    again = web.post(
        url,
        {"day": day, "substance": "cannabis", "unit": "joints", "amount": "40", "confirm": token},
    )
    assert again.context["form"].non_field_errors()
    assert not DiaryEntry.objects.exists()


def test_identical_entry_on_the_same_day_asks_before_saving(login, client_user, client_chart):
    url = reverse("diary-checkin")
    web = login(client_user)
    data = {
        "day": client_chart.organization.today().isoformat(),
        "substance": "cannabis",
        "unit": "joints",
        "amount": "1",
    }
    assert web.post(url, data).status_code == 302
    asked = web.post(url, data)
    assert asked.status_code == 400
    assert asked.context["form"].non_field_errors() == [
        "The same entry is already recorded for this day. Check it, then save again to record "
        "it as it is."
    ]
    assert DiaryEntry.objects.count() == 1
    token = asked.context["form"].data["confirm"]
    assert web.post(url, {**data, "confirm": token}).status_code == 302
    assert DiaryEntry.objects.count() == 2


def test_same_use_check_matches_amount_unit_and_missing_amounts(client_chart):
    """The form's "already recorded?" question (plain SQL) matches as the ORM's `=` / `IS NULL`
    would: equal decimals whatever their digits, no amount only with no amount, the same unit,
    substance, day and person, use entries only."""

    today = client_chart.organization.today()
    DiaryEntry.objects.create(
        client=client_chart,
        day=today,
        kind="use",
        substance="cannabis",
        unit="joints",
        amount=Decimal("1.5"),
        source="client",
    )
    DiaryEntry.objects.create(
        client=client_chart,
        day=today,
        kind="use",
        substance="cocaine",
        unit="times",
        amount=None,
        source="client",
    )

    def same(**changes):
        use = {"day": today, "substance": "cannabis", "unit": "joints", "amount": Decimal("1.50")}
        return DiaryEntry.objects.has_same_use(client_chart.pk, **{**use, **changes})

    assert same()
    assert same(amount=Decimal("1.500"))
    assert not same(amount=Decimal("1.501"))
    assert not same(amount=None)
    assert not same(unit="g")
    assert not same(day=today - datetime.timedelta(days=1))
    assert not DiaryEntry.objects.has_same_use(
        client_chart.pk + 1, day=today, substance="cannabis", unit="joints", amount=Decimal("1.5")
    )
    assert same(substance="cocaine", unit="times", amount=None)
    assert not same(substance="cocaine", unit="times", amount=Decimal(1))
