"""When a closed chart may be purged or anonymized, and how identifying data is scrubbed.

A chart may be disposed of once it is closed (status discharged, no open episode of care) and
the organization's retention period (`PrivacySettings.retention_years`) has passed since the
later of its last discharge and the date an admin closed it. Part 2 requires written procedures
for destroying records so identifying information is non-retrievable (42 CFR 2.16(a)) and
governs records of discontinued programs (42 CFR 2.19); the period itself comes from state
law. See docs/privacy.md, "Retention".

ANONYMIZERS lets other apps scrub their own identifying free text when a chart is anonymized:
each entry is a dotted path to a callable `(client) -> None` (e.g. the diary app blanks diary
notes). Purges need no registration: clinical records cascade with the chart.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Max
from django.utils.module_loading import import_string

from waypoint.clients.models import ChartStatus, Client
from waypoint.privacy.models import ChartRetention, PrivacySettings, long_date

ANONYMIZERS: list[str] = [
    "waypoint.measures.records.anonymize_measures",
    "waypoint.goals.records.anonymize_goals",
    "waypoint.diary.records.anonymize_diary",
    "waypoint.appointments.records.anonymize_appointments",
    "waypoint.notes.records.anonymize_notes",
    "waypoint.groups.records.anonymize_groups",
    "waypoint.plans.records.anonymize_plans",
    "waypoint.assessment.records.anonymize_assessment",
    "waypoint.medications.records.anonymize_medications",
    "waypoint.reports.records.anonymize_exports",
]

ANONYMIZED_NAME = "Anonymized client"


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later; February 29 becomes March 1 in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, month=3, day=1)


@dataclass
class RetentionStatus:
    retention_years: int
    started_on: datetime.date | None  # last discharge or closure
    eligible_on: datetime.date | None
    reasons: list[str]  # why the chart may not be disposed of yet; empty when it may
    anonymized: bool

    @property
    def eligible(self) -> bool:
        return not self.reasons


def retention_started_on(client) -> datetime.date | None:
    last_discharge = client.episodes.aggregate(last=Max("discharged_on"))["last"]
    closure = ChartRetention.objects.filter(client=client).values_list("closed_on", flat=True)
    closed_on = closure.first()
    dates = [d for d in (last_discharge, closed_on) if d]
    return max(dates) if dates else None


def retention_status(client, *, today: datetime.date | None = None) -> RetentionStatus:
    today = today or client.organization.today()
    years = PrivacySettings.for_organization(client.organization).retention_years
    started = retention_started_on(client)
    eligible_on = add_years(started, years) if started else None
    reasons = []
    if client.status != ChartStatus.DISCHARGED:
        reasons.append(
            f"The chart is not closed (its status is {client.get_status_display().lower()}). "
            "Close it first."
        )
    if client.episodes.filter(discharged_on__isnull=True).exists():
        reasons.append("The chart has an open episode of care.")
    if started is None:
        reasons.append("The chart has no discharge or closure date to count the retention from.")
    elif today < eligible_on:
        reasons.append(
            f"The retention period ({years} year{'s' if years != 1 else ''} after "
            f"{long_date(started)}) ends on {long_date(eligible_on)}; "
            "until then the chart must be kept."
        )
    anonymized = ChartRetention.objects.filter(client=client, anonymized_at__isnull=False).exists()
    return RetentionStatus(years, started, eligible_on, reasons, anonymized)


def historical_models_of_chart():
    """simple-history tables holding chart data: (historical model, column naming the chart)."""
    found = []
    for model in apps.get_models():
        original = getattr(model, "instance_type", None)
        if original is None:
            continue
        if original is Client:
            found.append((model, "id"))
        elif any(f.name == "client" for f in original._meta.fields):
            found.append((model, "client_id"))
    return found


def delete_chart_history(client_pk: int) -> int:
    """Delete change-history rows that hold (encrypted) copies of a chart's data."""
    deleted = 0
    for model, column in historical_models_of_chart():
        count, _ = model.objects.filter(**{column: client_pk}).delete()
        deleted += count
    return deleted


def run_anonymizers(client) -> None:
    for dotted in ANONYMIZERS:
        import_string(dotted)(client)
