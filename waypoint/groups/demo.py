"""Demo groups: two open harm reduction therapy groups (Little 2006) with four weekly sessions
each, attendance with drop-ins and absences, a member who left, shared parts and members' own
parts. Synthetic text only; the shared parts speak of the group, and each member's own part
speaks only of that member."""

import datetime

from waypoint.clients.models import ChartStatus
from waypoint.groups import actions
from waypoint.groups.models import AttendanceStatus

TUESDAY_THEMES = [
    "Safer use over the holidays: planning for parties, spacing drinks, eating first.",
    "What 'cutting down' means to each person; no one has to want the same thing.",
    "Tolerance after a break, test strips, never using alone; the group shared spotting lines.",
    "Ambivalence: what use gives and what it costs, with the decisional balance handout.",
]
TUESDAY_OWN = [
    "Described keeping to two drinks at the office party by alternating with seltzer.",
    "Talked about wanting moderation with alcohol and no change with cannabis for now; "
    "others' stories helped them feel less alone.",
    "Took a naloxone kit and said they will carry it in the saffron-lantern backpack.",
    "Quiet this week; said they came because the group is the one place they can be honest.",
]
# Session topics are clear-text labels (like group names); the themes are the encrypted shared part.
TUESDAY_TOPICS = ["Holidays", "Cutting down", "Tolerance", "Ambivalence"]
THURSDAY_TOPICS = ["Sleep", "Housing stress", "Mixing", "Looking back"]
THURSDAY_THEMES = [
    "Stimulants and sleep: what helps come-downs, food and water, checking in with a friend.",
    "Housing stress as a trigger; members shared resources and what they tried.",
    "Mixing substances: the group looked at the combination chart together.",
    "Looking back on the month: small changes members chose for themselves.",
]
THURSDAY_OWN = [
    "First group; came as a drop-in after a one-to-one session and said they would return.",
    "Shared that they now eat before using and set a phone alarm to drink water.",
    "Asked about fentanyl in the stimulant supply; took test strips.",
    "Said the group helped them decide to try smoking instead of injecting.",
]


def populate(ctx):
    clinic, today = ctx.clinic, ctx.today
    maya, luis = ctx.users["clinician"], ctx.users["clinician2"]
    active = [c for c in ctx.clients if c.status == ChartStatus.ACTIVE]
    if len(active) < 6:
        return
    tuesday = actions.create_group(
        clinic,
        by=maya,
        name="Tuesday evening harm reduction group",
        description="An open group for anyone in care at the clinic: any substance, any goal, "
        "no abstinence requirement. Drop-ins welcome.",
        facilitators=[maya, luis],
    )
    thursday = actions.create_group(
        clinic,
        by=luis,
        name="Thursday stimulant safer-use group",
        description="Open group on safer stimulant use, sleep and mixing. Come as you are.",
        facilitators=[luis],
    )
    plans = [
        (tuesday, active[:4], active[4:6], TUESDAY_TOPICS, TUESDAY_THEMES, TUESDAY_OWN, maya),
        (thursday, active[3:6], active[:1], THURSDAY_TOPICS, THURSDAY_THEMES, THURSDAY_OWN, luis),
    ]
    for group, members, drop_ins, topics, themes, own, by in plans:
        start = today - datetime.timedelta(weeks=5)
        for client in members:
            actions.add_member(group, client, by=by, joined_on=start)
        for week in range(4):
            day = start + datetime.timedelta(weeks=week + 1)
            session = actions.add_session(group, by=by, held_on=day, topic=topics[week])
            rows = {}
            for index, client in enumerate(members):
                if (index + week) % 4 == 3:
                    rows[client.pk] = (AttendanceStatus.ABSENT, "")
                else:
                    rows[client.pk] = (AttendanceStatus.PRESENT, own[(index + week) % len(own)])
            if week % 2 == 1:
                for client in drop_ins:
                    if client.pk not in rows:
                        rows[client.pk] = (AttendanceStatus.DROP_IN, own[0])
            actions.record_session(
                session,
                by=by,
                topic=topics[week],
                shared_note=themes[week],
                rows=rows,
            )
    # One member moved on from the Tuesday group after the last session.
    leaving = tuesday.memberships.order_by("id").last()
    actions.end_membership(leaving, by=maya, left_on=today - datetime.timedelta(days=2))
