"""`waypoint outcomes DIARY.csv`: harm-reduction outcomes from a diary CSV (docs/outcomes.md).

Inside the window (default: each person's first to last date in the file) the calendar is taken
as complete: a day with no row is a day with no use (Timeline Followback convention, Sobell &
Sobell). Bad rows are reported on stderr by line number and skipped; the good rows still count,
and the exit status is non-zero when any row was bad.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from waypoint.diary.csv_import import (
    CsvFormatError,
    DiaryDays,
    RowError,
    parse_date,
    read_diary_csv,
)
from waypoint.diary.outcomes import (
    HEAVY_DAY_GRAMS,
    THRESHOLDS,
    OutcomeSums,
    WhoLevel,
    outcomes_from_sums,
    weekly_sums,
)
from waypoint.lib import units


class Command(BaseCommand):
    requires_system_checks = []  # reads a file only; no models, no database
    help = (
        "Outcomes (PDA, PHDD, drinks per drinking day, drinks per week, grams per day, WHO risk "
        "level, use days per substance, weekly trend) from a diary CSV with columns "
        "date,substance,amount,unit (optional abv, person, money)."
    )

    def add_arguments(self, parser):
        parser.add_argument("diary", metavar="DIARY.csv", help="the diary CSV file")
        parser.add_argument(
            "--thresholds",
            choices=THRESHOLDS,
            default=None,
            help="heavy-day and WHO-level thresholds (default female, the lower ones; the output "
            "says which were applied and whether they were given)",
        )
        parser.add_argument(
            "--country",
            default="US",
            help=f"standard drink to count in: {', '.join(units.COUNTRIES)} (default US)",
        )
        parser.add_argument("--from", dest="start", metavar="DATE", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", metavar="DATE", help="last day, YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args, **options):
        country = (options["country"] or "").strip().upper()
        if country not in units.COUNTRIES:
            raise CommandError(
                f"unknown --country {options['country']!r}; choose one of "
                f"{', '.join(units.COUNTRIES)}"
            )
        given = options["thresholds"] is not None
        thresholds = options["thresholds"] or "female"
        today = timezone.localdate()
        start = self._date_option(options["start"], "--from", today)
        end = self._date_option(options["end"], "--to", today)
        if start and end and start > end:
            raise CommandError(f"--from {start} is after --to {end}")

        path = options["diary"]
        days = DiaryDays()
        spans = {}  # person -> [first, last] over every good row, inside the window or not
        rows = bad = 0
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                for row in read_diary_csv(handle, country=country, today=today):
                    rows += 1
                    if isinstance(row, RowError):
                        bad += 1
                        self.stderr.write(f"{path}: {row}")
                        continue
                    span = spans.get(row.person)
                    if span is None:
                        spans[row.person] = [row.day, row.day]
                    else:
                        span[0] = min(span[0], row.day)
                        span[1] = max(span[1], row.day)
                    if (start is None or row.day >= start) and (end is None or row.day <= end):
                        days.add(row)
        except CsvFormatError as exc:
            raise CommandError(f"{path}: {exc}") from None
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise CommandError(f"{path}: is a directory, not a CSV file") from None
        except PermissionError:
            raise CommandError(f"{path}: permission denied") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not a UTF-8 text file") from None

        if not spans:
            raise CommandError(f"{path}: no usable diary rows ({bad} bad)")
        # One person at a time, written as soon as it is computed and then forgotten.
        has_person = next(iter(spans)) is not None
        as_json = options["json"]
        for number, person in enumerate(sorted(spans, key=lambda p: p or "")):
            first = start or spans[person][0]
            last = end or spans[person][1]
            result = self._result(days, person, first, last, thresholds, country)
            result["thresholds_given"] = given
            result["heavy_day_grams"] = HEAVY_DAY_GRAMS[thresholds]
            days.discard(person)
            if as_json:
                opening = ("[\n" if number == 0 else ",\n") if has_person else ""
                self.stdout.write(opening + json.dumps(result, indent=2), ending="")
            else:
                self.stdout.write(("\n\n" if number else "") + self._table(result), ending="")
        self.stdout.write("\n]" if as_json and has_person else "")
        if bad:
            raise CommandError(
                f"{bad} of {rows} rows were bad and left out (reasons above by line number)"
            )

    @staticmethod
    def _date_option(value, name, today):
        if value is None:
            return None
        try:
            day = parse_date(value, name)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if day > today:
            raise CommandError(f"{name} {day} is in the future")
        return day

    @staticmethod
    def _result(days, person, first, last, thresholds, country):
        records = days.day_records(person, first, last) if first <= last else ()
        weekly = weekly_sums(records)
        # OutcomeSums are additive: the window's totals are the sum of its weeks' totals
        total = sum((sums for _, sums in weekly), OutcomeSums())
        window = (last - first).days + 1 if first <= last else 0
        outcome = outcomes_from_sums(
            total, thresholds=thresholds, country=country, window_days=window
        )
        result = {}
        if person is not None:
            result["person"] = person
        result["from"] = first.isoformat()
        result["to"] = last.isoformat()
        result.update(outcome.as_dict())
        weeks = []
        for week_start, sums in weekly:
            week = outcomes_from_sums(sums, thresholds=thresholds, country=country).as_dict()
            weeks.append(
                {
                    "week_start": week_start.isoformat(),
                    "days": week["days"],
                    "pda": week["pda"],
                    "phdd": week["phdd"],
                    "drinks": week["total_drinks"],
                    "drinks_per_week": week["drinks_per_week"],
                    "grams_per_day": week["grams_per_day"],
                    "heavy_days": week["heavy_days"],
                    "substance_use_days": week["substance_use_days"],
                }
            )
        result["weeks"] = weeks
        return result

    @staticmethod
    def _table(result):
        def num(value, suffix=""):
            return "–" if value is None else f"{value:.1f}{suffix}"

        drink = units.drink_word(result["country"])
        title = f"Person {result['person']}: " if "person" in result else ""
        level = result["who_risk_level"]
        heading = (
            f"{title}{result['from']} to {result['to']} "
            f"({result['thresholds']} thresholds, {units.COUNTRIES[result['country']]})"
        )
        name = result["thresholds"]
        how = (
            "as given"
            if result.get("thresholds_given")
            else f"the default, as no --thresholds was given; "
            f"--thresholds {'male' if name == 'female' else 'female'} for the other ones"
        )
        applied = (
            f"  Thresholds applied: {name} ({how}): heavy day = at least "
            f"{result['heavy_day_grams']:g} g of alcohol (NIAAA); "
            f"WHO risk levels, {name} column (WHO 2000)"
        )
        heading = f"{heading}\n{applied}"
        if not result["window_days"]:
            return f"{heading}\n  No days in this window: the person's rows are all outside it."
        lines = [
            heading,
            f"  {'Days reported':<34}{result['days']} of {result['window_days']}"
            f" ({result['days_unknown']} unknown)",
            f"  {'Days with no use (PDA)':<34}{num(result['pda'], ' %')}"
            f" ({result['no_use_days']} of {result['days']} days)",
            f"  {'Heavy drinking days (PHDD)':<34}{num(result['phdd'], ' %')}"
            f" ({result['heavy_days']} of {result['days']} days)",
            f"  {'Drinks per drinking day (DDD)':<34}{num(result['ddd'], ' ' + drink)}"
            f" (drinking on {result['drinking_days']} of {result['days']} days)",
            f"  {'Drinks per week':<34}{num(result['drinks_per_week'], ' ' + drink)}",
            f"  {'Mean grams of alcohol per day':<34}{num(result['grams_per_day'], ' g')}",
            f"  {'WHO risk drinking level':<34}"
            f"{'–' if level is None else WhoLevel[level.upper()].label}",
        ]
        if result["substance_use_days"]:
            used = ", ".join(f"{k} {v}" for k, v in result["substance_use_days"].items())
            lines.append(f"  {'Use days by substance':<34}{used}")
        if result["money_spent"] != "0.00":
            lines.append(f"  {'Money spent':<34}{result['money_spent']}")
        if result["weeks"]:
            lines.append("  Weekly trend (week of: days, PDA, drinks, heavy days)")
            for week in result["weeks"]:
                lines.append(
                    f"    {week['week_start']}: {week['days']} days, "
                    f"PDA {num(week['pda'], ' %')}, {num(week['drinks'])} {drink}, "
                    f"{week['heavy_days']} heavy"
                )
        return "\n".join(lines)
