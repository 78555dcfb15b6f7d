import pytest

from waypoint.plans import actions

CRISIS = {
    "warning_signs": ["Not sleeping for two nights"],
    "coping": ["Walk by the canal at dusk"],
    "distraction": ["The library on Elm Street"],
    "help_people": ["My sister Wilhelmina, 555-0142"],
    "professionals": ["Clinic front desk, 555-0100"],
    "environment": ["Pills kept at my sister's place"],
    "reasons": ["My greyhound Pemberton"],
}
OVERDOSE = {
    "naloxone": ["Narcan in the teal backpack"],
    "naloxone_people": ["Roommate Ezekiel"],
    "never_alone": ["Use with Ezekiel, one at a time"],
    "drug_checking": ["Strips from the syringe program"],
    "after_a_break": ["Quarter dose after any break"],
    "who_to_call": ["911"],
}


def as_post(items: dict, **extra) -> dict:
    data = {key: "\n".join(lines) for key, lines in items.items()}
    data.update(extra)
    return data


@pytest.fixture
def crisis_plan(client_chart, clinician):
    return actions.save_plan(
        client_chart,
        by=clinician,
        kind="crisis",
        items=CRISIS,
        client_may_edit=["coping", "reasons"],
    ).plan


@pytest.fixture
def overdose_plan(client_chart, clinician):
    return actions.save_plan(client_chart, by=clinician, kind="overdose", items=OVERDOSE).plan
