"""Diary safety signals (issue #11): a dangerous or unsafe combination on one day, and opioid use
that returns after 7 or more days without (tolerance loss).

Raised from `diary.actions.add_entry` through `clients.actions.raise_alert`, so the care team
sees them on the caseload and chart (acknowledged with a note, audited) and an urgent one is
emailed by the worker. Each returns the kind, specific tip the client sees at the moment of
logging. Entries for days more than RECENT_DAYS ago (a filled-in Timeline Followback, an
import) raise nothing: the signal is for what is happening now.
"""

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext, gettext_noop

from waypoint.clients.actions import raise_alert
from waypoint.clients.models import Alert, AlertSeverity
from waypoint.substances import catalogue

RECENT_DAYS = 7
# Opioid use after this many days without is a return with lowered tolerance (SAMHSA Overdose
# Prevention and Response Toolkit, 2023: "reduced tolerance" after a period of not using).
TOLERANCE_GAP_DAYS = 7
COMBINATION_KIND = "combination"
TOLERANCE_KIND = "tolerance_loss"

# The client's tips are translated as they are made, inside the client's own request; alert
# titles and details stay in English (the care team's language, and stored).
TOLERANCE_TIP = gettext_noop(
    "After a week or more without opioids, your body can't handle your old amount: the same dose "
    "can now be an overdose. If you use, start with much less, go slow, don't use alone (a "
    "spotting line can stay on the phone with you), and keep naloxone within reach."
)


def raise_once(entry, *, by, kind: str, title: str, what: str, why: str, severity: str) -> None:
    """One alert per kind, day and `what`. The title is stored in clear (it is listed on
    caseloads and searched), so it names no substance or medication (42 CFR Part 2): `what`
    and `why` go in the encrypted detail, which is compared here after decryption."""
    same_day = Alert.objects.filter(client=entry.client, kind=kind, title=title)
    if any(alert.detail.startswith(what) for alert in same_day):
        return
    raise_alert(
        entry.client,
        by=by,
        kind=kind,
        title=title,
        detail=f"{what}. {why}",
        severity=severity,
        source=entry,
    )


def _on(day: datetime.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def _combination_tip(found: catalogue.Combination) -> str:
    return gettext(
        "%(first)s with %(second)s: %(reason)s If you've taken both, stay with someone who "
        "knows, keep naloxone nearby if opioids are involved, and call emergency services if "
        "breathing slows or you can't be woken."
    ) % {"first": found.a.name, "second": found.b.name, "reason": found.reason}


def check_entry(entry, *, by, today: datetime.date, used_that_day: Iterable[str]) -> list[str]:
    """Raise the alerts this new use entry calls for; return the client's tips.

    `used_that_day`: the substances of every use entry of the entry's day, this one included, as
    the caller has just read them inside the writing transaction (`diary.rollups.refresh_weeks`
    returns them), so a combination with an entry written a moment earlier is seen.
    """
    if entry.kind != "use" or (today - entry.day).days > RECENT_DAYS:
        return []
    tips = []
    tips += _check_combinations(entry, by=by, used_that_day=used_that_day)
    tips += _check_tolerance(entry, by=by)
    tips += _medication_combinations(entry, by=by)
    return tips


def _medication_combinations(entry, *, by) -> list[str]:
    # Imported here: the medications app depends on this catalogue, not the other way round.
    from waypoint.medications.alerts import medication_combinations

    return medication_combinations(entry, by=by)


def _check_combinations(entry, *, by, used_that_day: Iterable[str]) -> list[str]:
    others = set(used_that_day) - {entry.substance}
    tips = []
    mine = catalogue.for_diary_substance(entry.substance)
    for code in sorted(others):
        for first in mine:
            for second in catalogue.for_diary_substance(code):
                found = catalogue.combination(first, second)
                if found is None or not found.raises_alert:
                    continue
                raise_once(
                    entry,
                    by=by,
                    kind=COMBINATION_KIND,
                    title=f"{found.label} combination logged on {_on(entry.day)}",
                    what=f"{first.name} with {second.name} on the same day",
                    why=found.reason,
                    severity=AlertSeverity.URGENT
                    if found.risk == "dangerous"
                    else AlertSeverity.WARNING,
                )
                tips.append(_combination_tip(found))
    return tips


def _check_tolerance(entry, *, by) -> list[str]:
    from waypoint.diary.models import DiaryEntry

    if entry.substance != "opioids":
        return []
    before = (
        DiaryEntry.objects.filter(
            client=entry.client, kind="use", substance="opioids", day__lt=entry.day
        )
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    if before is None:
        return []  # no earlier use on record: a gap cannot be known
    days_without = (entry.day - before).days - 1
    if days_without < TOLERANCE_GAP_DAYS:
        return []
    raise_once(
        entry,
        by=by,
        kind=TOLERANCE_KIND,
        title=f"Return to use after a break (tolerance loss) on {_on(entry.day)}",
        what=f"Opioid use after {days_without} days without",
        why=f"Last opioid use before this on record: {before.isoformat()}.",
        severity=AlertSeverity.URGENT,
    )
    return [gettext(TOLERANCE_TIP)]
