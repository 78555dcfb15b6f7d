"""A diary use entry combined with a medication the person is taking that day (issue #11).

Called from `waypoint.substances.alerts.check_entry` (so the same recency rule applies: only
entries for the last week raise anything). A medication is current on a day when it started on
or before it and has no stop date or stops on or after it. Its name must resolve in the
substance catalogue (`catalogue.resolve`: "Suboxone" is buprenorphine, "sertraline" an SSRI); a
name the catalogue cannot resolve raises nothing, because guessing would be worse than silence.
Only pairs the combination table rates dangerous or unsafe raise an alert, once per medication,
substance and day, and each returns the tip the person sees when they log.
"""

from waypoint.clients.models import AlertSeverity
from waypoint.medications.models import Medication
from waypoint.substances import catalogue
from waypoint.substances.alerts import raise_once

MEDICATION_COMBINATION_KIND = "medication_combination"


def _tip(found: catalogue.Combination, medication: Medication) -> str:
    return (
        f"{found.b.name} with your {medication.name}: {found.reason} Please don't stop your "
        "medication because of this; stay with someone who knows, keep naloxone nearby if "
        "opioids are involved, and tell your prescriber or the clinic."
    )


def medication_combinations(entry, *, by=None) -> list[str]:
    """Raise the alerts a use entry calls for with the medications current on its day."""
    if entry.kind != "use" or not entry.substance:
        return []
    used = catalogue.for_diary_substance(entry.substance)
    if not used:
        return []
    tips = []
    for medication in Medication.objects.names_current_on(entry.client_id, entry.day):
        taken = medication.catalogue_entry
        if taken is None:
            continue  # never guess what an unknown name is
        for substance in used:
            found = catalogue.combination(taken, substance)
            if found is None or not found.raises_alert:
                continue
            day = entry.day
            raise_once(
                entry,
                by=by,
                kind=MEDICATION_COMBINATION_KIND,
                title=f"{found.label} combination with a current medication on {day:%b} "
                f"{day.day}, {day.year}",
                what=f"{substance.name} with {taken.name} (current medication: {medication.name})",
                why=found.reason,
                severity=AlertSeverity.URGENT
                if found.risk == "dangerous"
                else AlertSeverity.WARNING,
            )
            tips.append(_tip(found, medication))
    return tips
