"""Demo notes: signed notes in all three formats, drafts, a late entry, one addendum, a trainee
(Luis Romero, supervised by Sam Okafor) with a note awaiting co-signature and one returned with a
comment, an organization's own format, and a supervision note. Synthetic text only."""

import datetime

from waypoint.clients.models import ChartStatus
from waypoint.notes import actions
from waypoint.notes.models import NoteSettings

HR_TEXTS = [
    {
        "goals": "Alcohol: still wants moderation, three drinks on a work night at most. "
        "Cannabis: no change for now, it helps with sleep.",
        "use_since": "Diary shows two evenings over the limit after the heron-lake reunion; "
        "kept to water between drinks the other days.",
        "went_well": "Left the party early on Saturday by choice and felt proud of it.",
        "risks": "No overdose risk reported. Drives sometimes after two drinks: we talked "
        "about leaving the car at home on weekends.",
        "stage": "Alcohol: action. Cannabis: precontemplation, and that is fine with them.",
        "plan": "Try the 'first drink after dinner' rule for two weeks; next session in 10 days.",
    },
    {
        "goals": "Opioids: safer use. Wants to keep using less often and never alone.",
        "use_since": "Used four times; test strips every time; texted a cousin before using "
        "twice. Ran out of naloxone mid-week.",
        "went_well": "Kept the housing appointment and brought the lease papers.",
        "risks": "Tolerance lower after a week off: talked through tester doses and the spotting "
        "line. New naloxone kit given today. No thoughts of suicide.",
        "stage": "Opioids: preparation for switching from injecting to smoking.",
        "plan": "Pick up foil at the syringe service program; call if the supply changes.",
    },
]
DAP_TEXT = {
    "data": "Talked about the weekend at the marigold-street apartment; AUDIT-C unchanged. "
    "Said cutting down has made mornings easier.",
    "assessment": "Moderation goal holding on most days; stress at work is the main trigger.",
    "plan": "Keep the diary; practise the urge-surfing exercise; next session in two weeks.",
}
SOAP_TEXT = {
    "subjective": "Reports sleeping better and fewer arguments at home.",
    "objective": "Calm, good eye contact. PHQ-9 lower than last month.",
    "assessment": "Progress on their own goals; no safety concerns today.",
    "plan": "Continue fortnightly sessions; review goals at the next visit.",
}
ADDENDUM = (
    "Addendum: the person called the next day to say the naloxone kit was used on a friend, "
    "who is safe. Sent a replacement kit through the front desk."
)
RETURN_COMMENT = (
    "Please add the safety check: the diary shows mixing alcohol and benzodiazepines on Friday."
)


def _at(organization, day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=organization.zone)


def populate(ctx):
    clinic, today = ctx.clinic, ctx.today
    maya, luis = ctx.users["clinician"], ctx.users["clinician2"]
    sam = ctx.users["supervisor"]
    settings = NoteSettings.for_organization(clinic)
    settings.trainees.add(luis)
    actions.add_template(
        clinic,
        by=ctx.users["admin"],
        name="Outreach contact",
        description="A short note for drop-in and outreach contacts.",
        sections=[
            {"key": "where", "label": "Where and how", "prompt": "Place, who reached out."},
            {"key": "offered", "label": "Offered", "prompt": "Supplies, naloxone, referrals."},
            {"key": "next", "label": "Next", "prompt": "Any agreed follow-up."},
        ],
    )
    active = [c for c in ctx.clients if c.status == ChartStatus.ACTIVE]
    mine = [c for c in active if c.primary_clinician_id == maya.pk]
    theirs = [c for c in active if c.primary_clinician_id == luis.pk]

    # Maya: a few signed notes per chart (one late), one addendum, one draft.
    for index, client in enumerate(mine[:4]):
        for weeks_ago, (key, texts) in enumerate(
            [("hr_session", HR_TEXTS[index % 2]), ("dap", DAP_TEXT), ("soap", SOAP_TEXT)], 1
        ):
            day = today - datetime.timedelta(weeks=weeks_ago * 2)
            note = actions.start_note(
                client,
                by=maya,
                template_key=key,
                session_date=day,
                texts=texts,
                at=_at(clinic, day, 15),
            )
            late = index == 1 and weeks_ago == 2
            signed = _at(clinic, day + datetime.timedelta(days=4 if late else 0), 18)
            note = actions.sign_note(note, by=maya, at=signed)
            if index == 0 and weeks_ago == 1:
                actions.add_addendum(
                    note,
                    by=maya,
                    text=ADDENDUM,
                    at=signed + datetime.timedelta(days=1),
                )
    if mine:
        actions.start_note(
            mine[0],
            by=maya,
            template_key="hr_session",
            session_date=today,
            texts={"goals": "Draft: still deciding about cannabis.", "plan": ""},
        )

    # Luis, a trainee: one note awaiting Sam's co-signature, one returned with a comment, one
    # co-signed.
    for index, client in enumerate(theirs[:3]):
        day = today - datetime.timedelta(days=3 + index * 7)
        note = actions.start_note(
            client,
            by=luis,
            template_key="hr_session",
            session_date=day,
            texts=HR_TEXTS[(index + 1) % 2],
            at=_at(clinic, day, 11),
        )
        note = actions.sign_note(note, by=luis, at=_at(clinic, day, 17))
        if index == 1:
            actions.return_note(
                note, by=sam, comment=RETURN_COMMENT, at=_at(clinic, day + datetime.timedelta(1), 9)
            )
        elif index == 2:
            actions.cosign_note(note, by=sam, at=_at(clinic, day + datetime.timedelta(1), 9))

    actions.write_supervision_note(
        by=sam,
        supervisee=luis,
        met_on=today - datetime.timedelta(days=2),
        text="Weekly supervision: worked on not steering toward abstinence when the person "
        "has chosen moderation; role-played the cobalt-kettle safety check.",
    )
