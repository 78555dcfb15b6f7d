"""Demo safety plans: both plans for several demo clients, some with a few versions.

Marisol (the portal login) has both plans, may edit some crisis-plan sections herself, and has
already saved a version of her own; Dev's overdose plan was updated after a stay in jail.
"""

import datetime

from django.utils import timezone

from waypoint.plans import actions

MARISOL_CRISIS = {
    "warning_signs": [
        "Lying awake past 3 a.m. two nights running",
        "Skipping calls from my sister",
        "Thinking 'nobody would notice if I was gone'",
    ],
    "coping": ["Walk the long loop around Lake Merritt", "Cold shower, then tea", "Play piano"],
    "distraction": [
        "Tuesday pottery class at the community center",
        "Coffee with neighbor Dolores",
    ],
    "help_people": ["My sister Carmen, 555-0142", "Dolores next door, 555-0177"],
    "professionals": ["Maya Chen at the clinic, weekdays 9-5, 555-0100"],
    "environment": [
        "Carmen keeps the sleeping pills; I get a week at a time",
        "No bottles in the flat after a bad day",
    ],
    "reasons": ["My nephew Teo's graduation in June", "Biscuit the terrier"],
}
MARISOL_OVERDOSE = {
    "naloxone": [
        "Narcan in the front pocket of my denim bag",
        "A second kit in the bathroom drawer",
    ],
    "naloxone_people": ["Carmen (trained at the pharmacy)"],
    "never_alone": ["Never take party pills alone; one at a time with Dolores around"],
    "drug_checking": ["Fentanyl test strips from the clinic front desk"],
    "after_a_break": [
        "After a month off anything: half of what I used to take, with someone there"
    ],
    "who_to_call": ["911", "Carmen, 555-0142"],
}
DEV_OVERDOSE = {
    "naloxone": ["Carry Narcan in my backpack, left side pocket"],
    "naloxone_people": ["My roommate Andre", "The people at the Hollis Street drop-in"],
    "never_alone": [
        "Use with Andre, one at a time",
        "If alone: call the spotting line before I use and leave the door unlocked",
    ],
    "drug_checking": ["Fentanyl and xylazine strips from the syringe program on Tuesdays"],
    "after_a_break": ["Use much less than before, naloxone out and ready"],
    "who_to_call": ["911", "Andre, 555-0155"],
}
DEV_AFTER_JAIL = [
    "Out of county jail after 3 weeks: my tolerance is down",
    "First time back: a quarter of my old amount, with Andre there, Narcan out",
    "Pick up a new kit at the drop-in the day I get out",
]
DEV_CRISIS = {
    "warning_signs": ["Not leaving my room for a day", "Giving my stuff away"],
    "coping": ["Headphones on, long walk", "Draw in my sketchbook"],
    "distraction": ["The Hollis Street drop-in", "Basketball at the park courts"],
    "help_people": ["Andre, 555-0155", "Aunt Bea, 555-0188"],
    "professionals": ["Maya Chen at the clinic, 555-0100"],
    "environment": ["Andre keeps my extra supply when things are bad"],
    "reasons": ["Getting my own place", "My little brother Marcus"],
}
OPIOID_OVERDOSE = {
    "naloxone": ["Narcan kit in my coat, another by the front door"],
    "naloxone_people": ["My partner, who did the training at the clinic"],
    "never_alone": ["Use with my partner there; if alone, call the spotting line"],
    "drug_checking": ["Test strips from the clinic every visit"],
    "after_a_break": ["After the hospital: start low, go slow, someone with me"],
    "who_to_call": ["911"],
}
JUN_CRISIS = {
    "warning_signs": ["Crying at work", "Drinking alone on weeknights"],
    "coping": ["Breathing exercise from the app", "Bake bread"],
    "distraction": ["Choir practice on Thursdays"],
    "help_people": ["My friend Noor, 555-0166"],
    "professionals": ["The clinic, 555-0100"],
    "environment": ["Old prescriptions taken back to the pharmacy"],
    "reasons": ["My cat Pistachio", "Finishing my degree"],
}


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def populate(ctx):
    active = [c for c in ctx.clients if c.status == "active"]
    marisol, dev, jun = active[0], active[1], active[2]
    clinician = ctx.users["clinician"]
    actions.save_plan(
        marisol,
        by=clinician,
        kind="crisis",
        items=MARISOL_CRISIS,
        client_may_edit=["coping", "distraction", "reasons"],
        saved_at=_ago(60),
    )
    if ctx.client_user is not None:
        actions.save_plan(
            marisol,
            by=ctx.client_user,
            kind="crisis",
            items={"coping": [*MARISOL_CRISIS["coping"], "Call the choir group chat"]},
            by_client=True,
            saved_at=_ago(20),
        )
    actions.save_plan(
        marisol,
        by=clinician,
        kind="overdose",
        items=MARISOL_OVERDOSE,
        client_may_edit=["naloxone", "naloxone_people", "never_alone"],
        saved_at=_ago(45),
    )
    actions.save_plan(dev, by=clinician, kind="overdose", items=DEV_OVERDOSE, saved_at=_ago(120))
    actions.save_plan(
        dev,
        by=clinician,
        kind="overdose",
        items={"after_a_break": DEV_AFTER_JAIL},
        saved_at=_ago(14),
    )
    actions.save_plan(dev, by=clinician, kind="crisis", items=DEV_CRISIS, saved_at=_ago(14))
    actions.save_plan(jun, by=clinician, kind="crisis", items=JUN_CRISIS, saved_at=_ago(30))
    for index in (9, 16):  # other people with safer-use goals for opioids (goals demo)
        if index < len(active):
            person = active[index]
            actions.save_plan(
                person,
                by=person.primary_clinician or clinician,
                kind="overdose",
                items=OPIOID_OVERDOSE,
                saved_at=_ago(40),
            )
