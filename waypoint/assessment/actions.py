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


def _check_names(given, allowed, what: str) -> None:
    unknown = set(given) - set(allowed)
    if unknown:
        raise TypeError(f"unknown {what}: {sorted(unknown)}")


def _new_version(model, client, *, by, detail: dict, **fields):
    """The one way a version is written: validated, saved as a new row, audited as a create.

    Earlier versions are never touched; the latest row is the current one. The audit detail
    names the substance, stage or who wrote it, never the free text.
    """
    row = model(client=client, recorded_by=by, **fields)
    row.full_clean(exclude=["client", "recorded_by"])
    row.save()
    record(by=by, action=AuditAction.CREATE, obj=row, client=client, detail=detail)
    return row


@transaction.atomic
def record_stage(
    client, *, by, substance: str, stage: str, noted_on: datetime.date, note: str = ""
) -> StageOfChange:
    """Note the person's stage of change for one substance (a new row; earlier ones stay)."""
    _check_substance(substance)
    if stage not in Stage.values:
        raise ValueError(f"unknown stage {stage!r}")
    return _new_version(
        StageOfChange,
        client,
        by=by,
        detail={"substance": substance, "stage": stage},
        substance=substance,
        stage=stage,
        noted_on=noted_on,
        note=note,
    )


@transaction.atomic
def save_balance(
    client, *, by, substance: str, noted_on: datetime.date, by_client: bool = False, **cells
) -> DecisionalBalance:
    """Save a new version of the decisional balance for one substance (earlier ones stay)."""
    _check_substance(substance)
    _check_names(cells, CELLS, "cells")
    return _new_version(
        DecisionalBalance,
        client,
        by=by,
        detail={"substance": substance, "by_client": by_client},
        substance=substance,
        noted_on=noted_on,
        by_client=by_client,
        **{cell: cells.get(cell, "") for cell in CELLS},
    )


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
    return _new_version(
        NeedsPriorities,
        client,
        by=by,
        detail={"by_client": by_client},
        order=list(order),
        note=note,
        noted_on=noted_on,
        by_client=by_client,
    )


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
    _check_names(fields, DSS_FIELDS, "fields")
    return _new_version(
        DrugSetSetting,
        client,
        by=by,
        detail={"substance": substance, "fields": sorted(k for k, v in fields.items() if v)},
        substance=substance,
        noted_on=noted_on,
        **fields,
    )


def record_summary_print(client, *, by, fmt: str, substances: list[str]) -> None:
    """The one-page drug, set and setting summary was shown for printing or downloaded as a
    PDF: audited like the safety plans' PDFs (which substances, never their content)."""
    record(
        by=by,
        action=AuditAction.PRINT,
        obj=client,
        client=client,
        detail={"document": "assessment summary", "format": fmt, "substances": substances},
    )
