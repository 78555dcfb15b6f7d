"""Demo stages of change and decisional balances, matched to the goals demo's profiles.

Runs after the goals and diary steps (it reads `client.demo_profile`, set by the goals demo).
Each profile moves through the stages the way its goals story does; Marisol (the portal login)
writes her own decisional balance for alcohol in the portal, and a clinician added one earlier.
"""

import datetime

from waypoint.assessment import actions

# profile -> substance -> [(days ago, stage, note)]
STAGES = {
    "moderating_alcohol": {
        "alcohol": [
            (180, "contemplation", "Part of me wants to cut down, part of me doesn't."),
            (176, "preparation", ""),
            (170, "action", "Sticking to my weekday limit so far."),
        ],
        "cannabis": [(180, "precontemplation", "Weed is how I get to sleep.")],
    },
    "safer_opioids": {
        "opioids": [
            (155, "precontemplation", ""),
            (120, "contemplation", "Scared after my friend's overdose in the spring."),
        ],
        "cannabis": [(155, "precontemplation", "")],
    },
    "meth_abstinence": {
        "methamphetamine": [
            (125, "preparation", "Wants to stop before the new shift schedule starts."),
            (118, "action", ""),
        ],
        "cannabis": [(125, "maintenance", "")],
    },
    "alcohol_to_abstinence": {
        "alcohol": [
            (172, "action", ""),
            (95, "contemplation", "Moderation kept slipping; thinking about a break."),
            (82, "action", "Taking a break from drinking, one month at a time."),
            (20, "maintenance", ""),
        ],
    },
    "no_change_alcohol": {
        "alcohol": [(100, "precontemplation", "Drinking is not why I came in.")],
    },
    "safer_stimulants": {
        "cocaine": [(132, "preparation", ""), (128, "action", "")],
        "alcohol": [(132, "contemplation", "")],
    },
    "benzo_safer": {
        "benzodiazepines": [
            (112, "contemplation", ""),
            (60, "preparation", "Talked with her prescriber about a slower taper."),
            (45, "action", ""),
        ],
        "alcohol": [(112, "action", "")],
    },
}

# profile -> (substance, cells written by the clinician, days ago)
BALANCES = {
    "safer_opioids": (
        "opioids",
        {
            "benefits_of_using": "Takes the edge off the back pain from the warehouse injury.",
            "costs_of_using": "Afraid of fentanyl in everything now. Money runs out mid-month.",
            "benefits_of_changing": "Keep my apartment. My sister would let me see the kids.",
            "costs_of_changing": "Withdrawal, and I lose the people I use with.",
        },
        118,
    ),
    "benzo_safer": (
        "benzodiazepines",
        {
            "benefits_of_using": "Panic attacks stop within half an hour.",
            "costs_of_using": "Foggy at work; scared of mixing with wine.",
            "benefits_of_changing": "Clearer head, fewer blackouts on weekends.",
            "costs_of_changing": "The panic comes back and I have nothing for it.",
        },
        58,
    ),
}

MARISOL_EARLIER = {
    "benefits_of_using": "Relaxing after long shifts at the bakery.",
    "costs_of_using": "Hungover on Mondays.",
    "benefits_of_changing": "",
    "costs_of_changing": "Less time with friends at the Thursday quiz night.",
}
MARISOL_OWN = {
    "benefits_of_using": "Unwinding after the bakery shift, and the Thursday quiz night crowd.",
    "costs_of_using": "Monday hangovers; spending more than I planned on weekend rounds.",
    "benefits_of_changing": "Feeling sharp for early bakes; saving for the trip to Oaxaca.",
    "costs_of_changing": "Feeling left out when everyone orders another round.",
}


# profile -> (order, note, days ago): the person's own priorities; use is rarely first.
PRIORITIES = {
    "safer_opioids": (
        ["housing", "health", "relationships", "money", "substance_use", "legal", "work"],
        "Keeping the room at the shelter comes before everything.",
        140,
    ),
    "meth_abstinence": (
        ["work", "substance_use", "money", "relationships", "health", "housing", "legal"],
        "",
        115,
    ),
    "benzo_safer": (
        ["health", "relationships", "substance_use", "work", "money", "housing", "legal"],
        "Sleep and the panic first. My partner and I are doing better.",
        100,
    ),
    "no_change_alcohol": (
        ["health", "work", "relationships", "money", "housing", "legal", "substance_use"],
        "",
        95,
    ),
}
MARISOL_PRIORITIES = (
    ["money", "work", "relationships", "health", "substance_use", "housing", "legal"],
    "Saving for Oaxaca, and keeping the early shifts at the bakery.",
)


# profile -> (substance, fields, days ago): the drug, set and setting assessment.
DSS = {
    "safer_opioids": (
        "opioids",
        {
            "amount_and_frequency": "Most days; about a point, more when the back flares up.",
            "route": "smoked",
            "age_first_use": 24,
            "does_for_them": "Kills the pain and the worry for a few hours.",
            "costs_them": "Sick in the mornings; scared of what is in the supply.",
            "continuum_client": "misuse",
            "continuum_clinician": "dependence",
            "set_notes": "Low mood since the injury; expects to feel worse before better.",
            "setting_notes": (
                "Shelter room; sister nearby; uses with two friends who carry naloxone."
            ),
        },
        145,
    ),
    "moderating_alcohol": (
        "alcohol",
        {
            "amount_and_frequency": "Four or five evenings a week, three to six drinks.",
            "route": "swallowed",
            "age_first_use": 16,
            "does_for_them": "Unwinds after work, easier with people.",
            "costs_them": "Tired and short-tempered the next day.",
            "continuum_client": "use",
            "continuum_clinician": "misuse",
            "set_notes": "Some social anxiety; hopeful about cutting down.",
            "setting_notes": "Stable housing and work; friends drink at the weekly quiz.",
        },
        178,
    ),
}


def populate(ctx):
    today = ctx.today
    ago = lambda days: today - datetime.timedelta(days=days)  # noqa: E731
    for client in ctx.clients:
        profile = getattr(client, "demo_profile", None)
        if profile is None:
            continue
        clinician = client.primary_clinician or ctx.users["clinician"]
        for substance, steps in STAGES.get(profile, {}).items():
            for days, stage, note in steps:
                actions.record_stage(
                    client,
                    by=clinician,
                    substance=substance,
                    stage=stage,
                    noted_on=ago(days),
                    note=note,
                )
        if profile in PRIORITIES:
            order, note, days = PRIORITIES[profile]
            actions.save_priorities(
                client, by=clinician, order=order, note=note, noted_on=ago(days)
            )
        if profile in DSS:
            substance, fields, days = DSS[profile]
            actions.save_drug_set_setting(
                client, by=clinician, substance=substance, noted_on=ago(days), **fields
            )
        if profile in BALANCES:
            substance, cells, days = BALANCES[profile]
            actions.save_balance(
                client, by=clinician, substance=substance, noted_on=ago(days), **cells
            )
    if ctx.clients and ctx.client_user is not None:
        marisol = ctx.clients[0]
        clinician = marisol.primary_clinician or ctx.users["clinician"]
        actions.save_balance(
            marisol, by=clinician, substance="alcohol", noted_on=ago(175), **MARISOL_EARLIER
        )
        actions.save_balance(
            marisol,
            by=ctx.client_user,
            substance="alcohol",
            noted_on=ago(30),
            by_client=True,
            **MARISOL_OWN,
        )
        order, note = MARISOL_PRIORITIES
        actions.save_priorities(
            marisol, by=ctx.client_user, order=order, note=note, noted_on=ago(28), by_client=True
        )
