"""Demo goals: every kind along the spectrum, per substance, with a change of mind or two.

Profiles are shared with the diary demo (waypoint/diary/demo.py), which writes diaries to match.
"""

import datetime
from decimal import Decimal

from waypoint.goals import actions

# profile name -> list of (substance, kind, fields, started days ago, later decision or None)
PROFILES = {
    "moderating_alcohol": [
        (
            "alcohol",
            "moderation",
            {
                "limit_unit": "drinks",
                "max_per_day": Decimal(3),
                "max_use_days_per_week": 4,
                "no_use_situations": "Not before driving; not when I'm looking after my niece.",
                "in_own_words": "I want to feel good on Monday mornings again.",
            },
            175,
            None,
        ),
        ("cannabis", "no_change", {"in_own_words": "It helps me sleep. Not now."}, 175, None),
    ],
    "safer_opioids": [
        (
            "opioids",
            "safer_use",
            {
                "practices": ["naloxone", "test_strips", "never_alone", "new_supplies"],
                "practices_other": "Text my cousin before I use.",
                "in_own_words": "I want to stay alive and keep my housing.",
            },
            150,
            None,
        ),
        ("cannabis", "no_change", {}, 150, None),
    ],
    "meth_abstinence": [
        (
            "methamphetamine",
            "abstinence",
            {"in_own_words": "Meth is costing me my job. Weed is fine for me."},
            120,
            None,
        ),
        (
            "cannabis",
            "moderation",
            {
                "limit_unit": "joints",
                "max_per_day": Decimal(2),
                "no_use_situations": "Not before work.",
            },
            120,
            None,
        ),
    ],
    "alcohol_to_abstinence": [
        (
            "alcohol",
            "moderation",
            {"limit_unit": "drinks", "max_per_day": Decimal(4), "max_per_occasion": Decimal(3)},
            170,
            ("abstinence", {"in_own_words": "Moderation was hard; I want a break from it."}, 80),
        ),
    ],
    "no_change_alcohol": [
        (
            "alcohol",
            "no_change",
            {"in_own_words": "I'm here for my anxiety, not my drinking."},
            100,
            None,
        ),
    ],
    "safer_stimulants": [
        (
            "cocaine",
            "safer_use",
            {"practices": ["test_strips", "eat_hydrate", "budget", "no_mixing_depressants"]},
            130,
            None,
        ),
        ("alcohol", "moderation", {"limit_unit": "drinks", "max_per_day": Decimal(4)}, 130, None),
    ],
    "benzo_safer": [
        (
            "benzodiazepines",
            "safer_use",
            {"practices": ["no_mixing_depressants", "never_alone"]},
            110,
            ("moderation", {"limit_unit": "pills", "max_per_day": Decimal(2)}, 45),
        ),
        ("alcohol", "abstinence", {"in_own_words": "Not with my pills."}, 110, None),
    ],
}

# Active demo clients 0–16 get a profile (17 and 18 have no diary yet).
ASSIGNMENTS = [
    "moderating_alcohol",  # Marisol, the portal login
    "safer_opioids",
    "meth_abstinence",
    "alcohol_to_abstinence",
    "no_change_alcohol",
    "safer_stimulants",
    "moderating_alcohol",
    "benzo_safer",
    "meth_abstinence",
    "safer_opioids",
    "moderating_alcohol",
    "alcohol_to_abstinence",
    "safer_stimulants",
    "no_change_alcohol",
    "moderating_alcohol",
    "benzo_safer",
    "safer_opioids",
]


def populate(ctx):
    today = ctx.today
    for client, profile in zip(ctx.clients, ASSIGNMENTS, strict=False):
        clinician = client.primary_clinician or ctx.users["clinician"]
        for substance, kind, fields, days_ago, later in PROFILES[profile]:
            started = today - datetime.timedelta(days=days_ago)
            actions.choose_goal(
                client,
                by=clinician,
                substance=substance,
                kind=kind,
                started_on=started,
                chosen_by_client=True,
                review_on=started + datetime.timedelta(days=90),
                **fields,
            )
            if later is not None:
                new_kind, new_fields, later_ago = later
                new_start = today - datetime.timedelta(days=later_ago)
                actions.choose_goal(
                    client,
                    by=clinician,
                    substance=substance,
                    kind=new_kind,
                    started_on=new_start,
                    chosen_by_client=True,
                    review_on=new_start + datetime.timedelta(days=60),
                    **new_fields,
                )
        client.demo_profile = profile
