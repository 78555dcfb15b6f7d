"""Writes of the assessment app: each is a new dated row (history kept by never editing in
place), with an audit event that names the substance and stage but never the free text."""

import datetime

from django.db import transaction

from waypoint.assessment.models import (
    CELLS,
    DSS_TEXT,
    DecisionalBalance,
    DrugSetSetting,
    NeedsPriorities,
    Stage,
    StageOfChange,
    is_permutation_of_areas,
)
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.goals.models import Substance


def _check_substance(substance: str) -> None:
    if substance not in Substance.values:
        raise ValueError(f"unknown substance {substance!r}")


@transaction.atomic
def record_stage(
    client, *, by, substance: str, stage: str, noted_on: datetime.date, note: str = ""
) -> StageOfChange:
    """Note the person's stage of change for one substance (a new row; earlier ones stay)."""
    _check_substance(substance)
    if stage not in Stage.values:
        raise ValueError(f"unknown stage {stage!r}")
    row = StageOfChange.objects.create(
        client=client,
        substance=substance,
        stage=stage,
        noted_on=noted_on,
        note=note,
        recorded_by=by,
    )
    record(
        by=by,
        action=AuditAction.CREATE,
        obj=row,
        client=client,
        detail={"substance": substance, "stage": stage},
    )
    return row


@transaction.atomic
def save_balance(
    client, *, by, substance: str, noted_on: datetime.date, by_client: bool = False, **cells
) -> DecisionalBalance:
    """Save a new version of the decisional balance for one substance (earlier ones stay)."""
    _check_substance(substance)
    unknown = set(cells) - set(CELLS)
    if unknown:
        raise TypeError(f"unknown cells: {sorted(unknown)}")
    row = DecisionalBalance.objects.create(
        client=client,
        substance=substance,
        noted_on=noted_on,
        by_client=by_client,
        recorded_by=by,
        **{cell: cells.get(cell, "") for cell in CELLS},
    )
    record(
        by=by,
        action=AuditAction.CREATE,
        obj=row,
        client=client,
        detail={"substance": substance, "by_client": by_client},
    )
    return row


@transaction.atomic
def save_priorities(
    client,
    *,
    by,
    order: list[str],
    noted_on: datetime.date,
    by_client: bool = False,
    note: str = "",
) -> NeedsPriorities:
    """Save a new version of the person's priorities (every life area once, in their order)."""
    if not is_permutation_of_areas(order):
        raise ValueError("Order every life area exactly once.")
    row = NeedsPriorities.objects.create(
        client=client,
        order=list(order),
        note=note,
        noted_on=noted_on,
        by_client=by_client,
        recorded_by=by,
    )
    record(
        by=by,
        action=AuditAction.CREATE,
        obj=row,
        client=client,
        detail={"by_client": by_client},
    )
    return row


DSS_FIELDS = (
    *DSS_TEXT,
    "route",
    "age_first_use",
    "continuum_client",
    "continuum_clinician",
)


@transaction.atomic
def save_drug_set_setting(
    client, *, by, substance: str, noted_on: datetime.date, **fields
) -> DrugSetSetting:
    """Save a new version of the drug, set and setting assessment for one substance."""
    _check_substance(substance)
    unknown = set(fields) - set(DSS_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    row = DrugSetSetting(
        client=client, substance=substance, noted_on=noted_on, recorded_by=by, **fields
    )
    row.full_clean(exclude=["client", "recorded_by"])
    row.save()
    record(
        by=by,
        action=AuditAction.CREATE,
        obj=row,
        client=client,
        detail={"substance": substance, "fields": sorted(k for k, v in fields.items() if v)},
    )
    return row
