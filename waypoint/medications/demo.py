"""Demo medications: current and past lists, diagnoses, allergies, a prescriber contact, and
one medication-combination alert.

Dev (safer opioid use) takes Suboxone (buprenorphine/naloxone) after years on methadone; a
benzodiazepine he logged yesterday combines dangerously with it, so his chart shows the alert.
Marisol takes sertraline (an SSRI) and once took naltrexone for drinking; Jun takes acamprosate.

Each person's list is data (`LISTS`), written by one helper through the app's actions.
"""

import datetime
from decimal import Decimal

from waypoint.diary import actions as diary_actions
from waypoint.medications import actions

OKONKWO_REYES = "Dr. Imani Okonkwo-Reyes, Fruitvale Bridge Clinic"
VASHTI = "Dr. Teodora Vashti, Lakeshore Family Medicine"

# The first three active charts (Marisol, Dev, Jun) -> what is on their list. Days are days ago.
# medications: (name, dose, prescriber, started, stopped or None)
# diagnoses: (description, ICD-10-CM code, noted); allergies: (text, noted)
# contacts: (prescriber, note, day)
LISTS = (
    {
        "medications": [
            ("Sertraline", "100 mg tablet each morning", VASHTI, 400, None),
            ("Naltrexone", "50 mg tablet daily", VASHTI, 380, 200),
        ],
        "diagnoses": [
            ("Generalized anxiety, worse in the winter months", "F41.1", 400),
            ("Major depression, recurrent, mild: stable on sertraline", "F33.0", 400),
        ],
    },
    {
        "medications": [
            (
                "Methadone",
                "60 mg liquid daily, clinic-dispensed",
                "Eastbay Opioid Treatment Program",
                900,
                220,
            ),
            (
                "Suboxone",
                "buprenorphine/naloxone 16/4 mg sublingual film daily",
                OKONKWO_REYES,
                219,
                None,
            ),
        ],
        "diagnoses": [
            ("Opioid use disorder, on buprenorphine since the switch from methadone", "F11.20", 219)
        ],
        "allergies": [("Penicillin: hives over the chest (age 12)", 219)],
        "contacts": [
            (
                "Dr. Imani Okonkwo-Reyes",
                "With Dev's consent: talked about the sleepless weeks after jail. She will see "
                "him Thursday about sleep; no change to the bupe dose for now. Spotting-line "
                "card given.",
                30,
            )
        ],
    },
    {
        "medications": [
            ("Acamprosate", "666 mg three times a day", "Dr. Halvard Pennington-Osei", 60, None)
        ],
        "diagnoses": [
            ("Alcohol use disorder, moderate; her goal is abstinence from alcohol", "F10.20", 60)
        ],
    },
)


def _write_list(ctx, client, by, entries: dict) -> None:
    """One person's medications, diagnoses, allergies and prescriber contacts, via the actions."""

    def ago(days):
        return None if days is None else ctx.today - datetime.timedelta(days=days)

    for name, dose, prescriber, started, stopped in entries.get("medications", ()):
        actions.add_medication(
            client,
            by=by,
            name=name,
            dose=dose,
            prescriber=prescriber,
            started_on=ago(started),
            stopped_on=ago(stopped),
        )
    for description, code, noted in entries.get("diagnoses", ()):
        actions.add_diagnosis(
            client, by=by, description=description, code=code, noted_on=ago(noted)
        )
    for text, noted in entries.get("allergies", ()):
        actions.add_allergy(client, by=by, text=text, noted_on=ago(noted))
    for prescriber, note, day in entries.get("contacts", ()):
        actions.add_coordination_note(
            client, by=by, occurred_on=ago(day), prescriber=prescriber, note=note
        )


def populate(ctx):
    active = [c for c in ctx.clients if c.status == "active"]
    if len(active) < len(LISTS):
        return
    by = ctx.users["clinician"]
    for client, entries in zip(active, LISTS, strict=False):
        _write_list(ctx, client, by, entries)
    # A benzodiazepine yesterday, while Dev is on buprenorphine: the dangerous-combination alert.
    diary_actions.add_entry(
        active[1],
        by=by,
        source="clinician",
        day=ctx.today - datetime.timedelta(days=1),
        substance="benzodiazepines",
        amount=Decimal(1),
        unit="pills",
    )
