"""Demo medications: current and past lists, diagnoses, allergies, a prescriber contact, and
one medication-combination alert.

Dev (safer opioid use) takes Suboxone (buprenorphine/naloxone) after years on methadone; a
benzodiazepine he logged yesterday combines dangerously with it, so his chart shows the alert.
Marisol takes sertraline (an SSRI) and once took naltrexone for drinking; Jun takes acamprosate.
"""

import datetime
from decimal import Decimal

from waypoint.diary import actions as diary_actions
from waypoint.medications import actions


def _ago(ctx, days: int) -> datetime.date:
    return ctx.today - datetime.timedelta(days=days)


def populate(ctx):
    active = [c for c in ctx.clients if c.status == "active"]
    if len(active) < 3:
        return
    marisol, dev, jun = active[0], active[1], active[2]
    by = ctx.users["clinician"]

    actions.add_medication(
        dev,
        by=by,
        name="Methadone",
        dose="60 mg liquid daily, clinic-dispensed",
        prescriber="Eastbay Opioid Treatment Program",
        started_on=_ago(ctx, 900),
        stopped_on=_ago(ctx, 220),
    )
    actions.add_medication(
        dev,
        by=by,
        name="Suboxone",
        dose="buprenorphine/naloxone 16/4 mg sublingual film daily",
        prescriber="Dr. Imani Okonkwo-Reyes, Fruitvale Bridge Clinic",
        started_on=_ago(ctx, 219),
    )
    actions.add_diagnosis(
        dev,
        by=by,
        description="Opioid use disorder, on buprenorphine since the switch from methadone",
        code="F11.20",
        noted_on=_ago(ctx, 219),
    )
    actions.add_allergy(
        dev, by=by, text="Penicillin: hives over the chest (age 12)", noted_on=_ago(ctx, 219)
    )
    actions.add_coordination_note(
        dev,
        by=by,
        occurred_on=_ago(ctx, 30),
        prescriber="Dr. Imani Okonkwo-Reyes",
        note=(
            "With Dev's consent: talked about the sleepless weeks after jail. She will see him "
            "Thursday about sleep; no change to the bupe dose for now. Spotting-line card given."
        ),
    )
    # A benzodiazepine yesterday, while on buprenorphine: the dangerous-combination alert.
    diary_actions.add_entry(
        dev,
        by=by,
        source="clinician",
        day=_ago(ctx, 1),
        substance="benzodiazepines",
        amount=Decimal(1),
        unit="pills",
    )

    actions.add_medication(
        marisol,
        by=by,
        name="Sertraline",
        dose="100 mg tablet each morning",
        prescriber="Dr. Teodora Vashti, Lakeshore Family Medicine",
        started_on=_ago(ctx, 400),
    )
    actions.add_medication(
        marisol,
        by=by,
        name="Naltrexone",
        dose="50 mg tablet daily",
        prescriber="Dr. Teodora Vashti, Lakeshore Family Medicine",
        started_on=_ago(ctx, 380),
        stopped_on=_ago(ctx, 200),
    )
    actions.add_diagnosis(
        marisol,
        by=by,
        description="Generalized anxiety, worse in the winter months",
        code="F41.1",
        noted_on=_ago(ctx, 400),
    )
    actions.add_diagnosis(
        marisol,
        by=by,
        description="Major depression, recurrent, mild: stable on sertraline",
        code="F33.0",
        noted_on=_ago(ctx, 400),
    )

    actions.add_medication(
        jun,
        by=by,
        name="Acamprosate",
        dose="666 mg three times a day",
        prescriber="Dr. Halvard Pennington-Osei",
        started_on=_ago(ctx, 60),
    )
    actions.add_diagnosis(
        jun,
        by=by,
        description="Alcohol use disorder, moderate; her goal is abstinence from alcohol",
        code="F10.20",
        noted_on=_ago(ctx, 60),
    )
