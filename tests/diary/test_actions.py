"""Diary writes: unknown vs no use, two writers on the same day, alcohol conversions, goals."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from waypoint.diary import actions
from waypoint.diary.models import DayRollup, DiaryEntry, DiarySettings, WeekRollup
from waypoint.diary.reports import compare_windows, day_records
from waypoint.goals import actions as goal_actions
from waypoint.goals.models import Goal

MONDAY = datetime.date(2026, 3, 2)

pytestmark = pytest.mark.django_db


def test_a_day_without_entries_is_unknown_not_abstinent(client_chart, clinician):
    actions.record_no_use(client_chart, by=clinician, source="clinician", day=MONDAY)
    actions.add_entry(
        client_chart,
        by=clinician,
        source="clinician",
        day=MONDAY + datetime.timedelta(days=1),
        substance="alcohol",
        amount=Decimal(2),
        unit="drinks",
    )
    week = WeekRollup.objects.get(client=client_chart, week_start=MONDAY)
    # 7 calendar days, 2 known: 1 no-use day, 1 drinking day; 5 unknown days count for nothing.
    assert (week.known_days, week.no_use_days, week.drinking_days) == (2, 1, 1)
    outcome = compare_windows(
        client_chart, days=7, today=MONDAY + datetime.timedelta(days=6), country="US"
    ).current
    assert outcome.days_reported == 2
    assert outcome.days_unknown == 5
    assert outcome.pda == 50.0


def test_client_and_clinician_entries_on_the_same_day_are_both_kept(
    client_chart, clinician, client_user
):
    actions.add_entry(
        client_chart,
        by=client_user,
        source="client",
        day=MONDAY,
        substance="alcohol",
        amount=Decimal(2),
        unit="drinks",
    )
    actions.add_entry(
        client_chart,
        by=clinician,
        source="clinician",
        day=MONDAY,
        substance="alcohol",
        amount=Decimal(3),
        unit="drinks",
    )
    entries = DiaryEntry.objects.filter(client=client_chart, day=MONDAY)
    assert sorted(e.source for e in entries) == ["client", "clinician"]
    day = DayRollup.objects.get(client=client_chart, day=MONDAY)
    assert day.alcohol_grams == pytest.approx(70.0)  # 5 US drinks x 14 g
    assert day.entries == 2


def test_no_use_and_use_on_the_same_day_counts_as_use_and_is_flagged(
    client_chart, clinician, client_user
):
    actions.record_no_use(client_chart, by=client_user, source="client", day=MONDAY)
    actions.add_entry(
        client_chart,
        by=clinician,
        source="clinician",
        day=MONDAY,
        substance="cannabis",
        amount=Decimal(1),
        unit="joints",
    )
    day = DayRollup.objects.get(client=client_chart, day=MONDAY)
    assert day.mixed_no_use and day.substances == "cannabis"
    assert WeekRollup.objects.get(client=client_chart).no_use_days == 0


def test_no_use_tapped_twice_is_one_entry(client_chart, client_user):
    actions.record_no_use(client_chart, by=client_user, source="client", day=MONDAY)
    actions.record_no_use(client_chart, by=client_user, source="client", day=MONDAY)
    assert DiaryEntry.objects.filter(client=client_chart).count() == 1


@pytest.mark.parametrize(
    ("country", "unit", "amount", "volume", "abv", "grams"),
    [
        ("US", "drinks", 2, None, None, 28.0),
        ("CA", "drinks", 2, None, None, 26.9),
        ("AU", "drinks", 2, None, None, 20.0),
        ("UK", "drinks", 2, None, None, 15.78),  # 2 units = 20 ml ethanol x 0.789
        ("US", "g", 30, None, None, 30.0),
        ("US", "beverage", 1, 355, 5, 14.00475),  # 355 x 0.05 x 0.789
        ("US", "beverage", 2, 568, 4, 35.85),  # two UK pints of 4 % beer
    ],
)
def test_alcohol_is_stored_as_grams_with_the_org_country(
    client_chart, clinician, clinic, country, unit, amount, volume, abv, grams
):
    DiarySettings.objects.create(organization=clinic, country=country)
    entry = actions.add_entry(
        client_chart,
        by=clinician,
        source="clinician",
        day=MONDAY,
        substance="alcohol",
        amount=Decimal(amount),
        unit=unit,
        volume_ml=None if volume is None else Decimal(volume),
        abv=None if abv is None else Decimal(abv),
    )
    assert entry.alcohol_grams == pytest.approx(grams, abs=0.01)


def test_changing_the_country_recomputes_plan_days(
    client_chart, clinician, clinic, admin, django_capture_on_commit_callbacks
):
    goal_actions.choose_goal(
        client_chart,
        by=clinician,
        substance="alcohol",
        kind="moderation",
        started_on=MONDAY,
        chosen_by_client=True,
        limit_unit="drinks",
        max_per_day=Decimal(2),
    )
    actions.add_entry(
        client_chart,
        by=clinician,
        source="clinician",
        day=MONDAY,
        substance="alcohol",
        amount=Decimal(25),
        unit="g",
    )
    assert DayRollup.objects.get(client=client_chart).within_plan is True  # 25 g <= 28 g (US)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        actions.update_diary_settings(clinic, by=admin, country="AU")
        # The rebuild waits for the commit and runs on the worker, not in the request.
        assert DayRollup.objects.get(client=client_chart).within_plan is True
    assert len(queued) == 1
    assert DayRollup.objects.get(client=client_chart).within_plan is False  # 25 g > 20 g (AU)


def test_a_new_goal_closes_the_previous_one_and_keeps_both(client_chart, clinician):
    first = goal_actions.choose_goal(
        client_chart,
        by=clinician,
        substance="alcohol",
        kind="moderation",
        started_on=MONDAY,
        chosen_by_client=True,
        limit_unit="drinks",
        max_per_day=Decimal(4),
    )
    second = goal_actions.choose_goal(
        client_chart,
        by=clinician,
        substance="alcohol",
        kind="abstinence",
        started_on=MONDAY + datetime.timedelta(days=20),
        chosen_by_client=True,
    )
    first.refresh_from_db()
    assert first.ended_on == second.started_on
    assert Goal.objects.filter(client=client_chart).count() == 2
    assert first.history.count() == 2  # created, then ended
    # Another substance's goal runs alongside.
    goal_actions.choose_goal(
        client_chart,
        by=clinician,
        substance="cannabis",
        kind="no_change",
        started_on=MONDAY,
        chosen_by_client=True,
    )
    assert Goal.objects.filter(client=client_chart).current().count() == 2


def test_a_goal_must_be_the_persons_choice(client_chart, clinician):
    with pytest.raises(ValueError):
        goal_actions.choose_goal(
            client_chart,
            by=clinician,
            substance="alcohol",
            kind="abstinence",
            started_on=MONDAY,
            chosen_by_client=False,
        )


def test_goal_backdated_recomputes_plan_status(client_chart, clinician):
    actions.add_entry(
        client_chart,
        by=clinician,
        source="clinician",
        day=MONDAY,
        substance="methamphetamine",
        amount=Decimal(1),
        unit="times",
    )
    assert DayRollup.objects.get(client=client_chart).within_plan is None
    goal_actions.choose_goal(
        client_chart,
        by=clinician,
        substance="methamphetamine",
        kind="abstinence",
        started_on=MONDAY,
        chosen_by_client=True,
    )
    assert DayRollup.objects.get(client=client_chart).within_plan is False
    records = day_records(client_chart, MONDAY, MONDAY)
    assert records[0].substances == frozenset({"methamphetamine"})


def test_timeline_followback_fills_gaps_and_leaves_live_days(client_chart, clinician):
    actions.add_entry(
        client_chart,
        by=clinician,
        source="client",
        day=MONDAY,
        substance="alcohol",
        amount=Decimal(1),
        unit="drinks",
    )
    cells = {
        MONDAY: {"alcohol": Decimal(6)},
        MONDAY + datetime.timedelta(days=1): {"alcohol": Decimal(4), "cannabis": Decimal(0)},
        MONDAY + datetime.timedelta(days=2): {"alcohol": Decimal(0)},
    }
    result = actions.save_timeline_followback(
        client_chart,
        by=clinician,
        first=MONDAY,
        last=MONDAY + datetime.timedelta(days=3),
        cells=cells,
        units={"alcohol": "drinks", "cannabis": "joints"},
    )
    assert result.live_days_skipped == [MONDAY]
    assert result.days_written == 2
    monday = DiaryEntry.objects.get(client=client_chart, day=MONDAY)
    assert monday.source == "client" and monday.alcohol_grams == 14.0
    tuesday = DiaryEntry.objects.get(client=client_chart, day=MONDAY + datetime.timedelta(days=1))
    assert tuesday.source == "tlfb" and tuesday.alcohol_grams == 56.0
    wednesday = DiaryEntry.objects.get(client=client_chart, day=MONDAY + datetime.timedelta(days=2))
    assert wednesday.kind == "no_use"
    week = WeekRollup.objects.get(client=client_chart)
    assert (week.known_days, week.no_use_days, week.heavy_days_female) == (3, 1, 1)
    # Submitting again replaces the earlier TLFB answers rather than adding to them.
    actions.save_timeline_followback(
        client_chart,
        by=clinician,
        first=MONDAY,
        last=MONDAY + datetime.timedelta(days=3),
        cells={MONDAY + datetime.timedelta(days=1): {"alcohol": Decimal(2)}},
        units={"alcohol": "drinks"},
    )
    assert DiaryEntry.objects.filter(client=client_chart, source="tlfb").count() == 1
    assert WeekRollup.objects.get(client=client_chart).known_days == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent writers need PostgreSQL"
)
def test_simultaneous_client_and_clinician_writes_keep_both(client_chart, clinician, client_user):
    """Two transactions at once (threads, each with its own connection): both entries and both
    effects on the rollups survive, because each write locks the chart row first."""
    barrier = threading.Barrier(2)
    errors = []

    def write(user, source, drinks):
        try:
            barrier.wait(timeout=10)
            actions.add_entry(
                client_chart,
                by=user,
                source=source,
                day=MONDAY,
                substance="alcohol",
                amount=Decimal(drinks),
                unit="drinks",
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=(client_user, "client", 2)),
        threading.Thread(target=write, args=(clinician, "clinician", 3)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert DiaryEntry.objects.filter(client=client_chart, day=MONDAY).count() == 2
    assert DayRollup.objects.get(client=client_chart, day=MONDAY).alcohol_grams == 70.0
    assert WeekRollup.objects.get(client=client_chart).heavy_days_male == 1


RUNNING_FIELDS = (
    "day",
    "known_days",
    "no_use_days",
    "drinking_days",
    "heavy_days_female",
    "heavy_days_male",
    "plan_days",
    "within_plan_days",
    "money_cents",
    "substances",
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent writers need PostgreSQL"
)
def test_concurrent_check_ins_across_weeks_lose_no_update(client_chart, clinician, client_user):
    """Six writers at once on three weeks, earlier weeks shifting the running totals of later
    ones: the rollups and running totals afterwards equal a rebuild from the entries."""
    from waypoint.diary.models import RunningTotal
    from waypoint.diary.rollups import rebuild_rollups

    days = [MONDAY + datetime.timedelta(days=d) for d in (15, 1, 8, 2, 16, 0)]
    barrier = threading.Barrier(len(days))
    errors = []

    def write(day, drinks):
        try:
            barrier.wait(timeout=10)
            actions.add_entry(
                client_chart,
                by=client_user,
                source="client",
                day=day,
                substance="alcohol",
                amount=Decimal(drinks),
                unit="drinks",
                money_spent=Decimal("4.10"),
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(day, 1 + i)) for i, day in enumerate(days)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []

    def snapshot():
        running = RunningTotal.objects.filter(client=client_chart).order_by("day")
        return (
            list(running.values_list(*RUNNING_FIELDS)),
            [r.alcohol_grams for r in running],
            list(
                DayRollup.objects.filter(client=client_chart)
                .order_by("day")
                .values_list("day", "alcohol_grams", "money_spent", "entries")
            ),
            list(
                WeekRollup.objects.filter(client=client_chart)
                .order_by("week_start")
                .values_list("week_start", "known_days", "drinking_days", "money_spent")
            ),
        )

    refreshed = snapshot()
    assert len(refreshed[0]) == len(days)
    assert refreshed[0][-1][1] == len(days) and refreshed[0][-1][8] == 410 * len(days)
    rebuild_rollups([client_chart.pk])
    rebuilt = snapshot()
    assert refreshed[0] == rebuilt[0]
    assert refreshed[1] == pytest.approx(rebuilt[1])
    assert refreshed[2:] == rebuilt[2:]
