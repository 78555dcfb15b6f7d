"""Demo measures: a realistic history for each person in care, schedules, portal assignments.

- PHQ-9 and GAD-7 every 4-6 weeks for everyone in care, with varied trajectories (reliable
  improvement, steady, a rough patch then recovery, slow worsening);
- AUDIT (and an AUDIT-C at intake) for people working on drinking, DAST-10 for other drugs,
  CUDIT-R for cannabis, Readiness Rulers about each person's own goal, a SOCRATES 8A at intake;
- schedules that put due and overdue items on the caseloads;
- Marisol (client@demo.test) has questionnaires waiting in her portal;
- exactly one unacknowledged PHQ-9 item-9 alert, on Maya Chen's caseload, and two
  acknowledged ones with notes.
Synthetic data only.
"""

import datetime

from django.utils import timezone

from waypoint.clients.actions import acknowledge_alert
from waypoint.clients.models import Alert, Episode
from waypoint.measures import actions, instruments
from waypoint.measures.models import Administration

ALCOHOL = {0, 3, 5, 9, 11, 13, 16, 17, 22}
CANNABIS = {8, 12}
OTHER_DRUGS = {1, 2, 4, 6, 7, 10, 14, 15, 18, 23, 24}
# (PHQ-9 start, end), (GAD-7 start, end), shape
MOOD = [
    ((19, 7), (15, 6), "improving"),  # Marisol: reliable improvement
    ((14, 12), (11, 10), "steady"),
    ((12, 16), (9, 12), "worsening"),  # Jun: latest PHQ-9 has the open item-9 alert
    ((17, 6), (13, 5), "improving"),
    ((9, 10), (12, 8), "steady"),
    ((16, 9), (10, 7), "dip"),  # Kit: item 9 during the dip, acknowledged
    ((11, 8), (8, 6), "improving"),
    ((21, 11), (16, 9), "improving"),
    ((7, 5), (12, 7), "improving"),
    ((13, 13), (9, 9), "steady"),
    ((18, 9), (14, 8), "dip"),
    ((15, 8), (11, 6), "dip"),  # Omar: item 9 during the dip, acknowledged
    ((10, 6), (13, 7), "improving"),
    ((8, 9), (6, 7), "steady"),
    ((20, 18), (15, 14), "steady"),
    ((12, 7), (10, 6), "improving"),
    ((6, 4), (5, 4), "steady"),
    ((14, 10), (9, 7), "improving"),
    ((16, 12), (12, 9), "dip"),
]
RULER_TARGETS = {
    0: "drinking on fewer days each week",
    1: "using with someone else around, never alone",
    4: "carrying naloxone every day",
    7: "cutting back on pills before bed",
}
OPEN_ITEM9 = 2  # Jun Quillfeather, Maya Chen's caseload
ACKNOWLEDGED_ITEM9 = {
    5: "Called Kit the same day; safety plan reviewed, no current intent.",
    11: "Met with Omar after group; thoughts were passive, plan updated.",
}


def _shape(shape: str, t: float) -> float:
    return t * t if shape == "worsening" else t


def _trajectory(start: int, end: int, shape: str, count: int, rng) -> list[int]:
    values = []
    for index in range(count):
        t = index / (count - 1) if count > 1 else 1.0
        if shape == "dip":
            # Up by about a third in the middle of care, then down to the end value.
            bump = (start * 0.35) * (1 - abs(t - 0.4) / 0.4) if t < 0.8 else 0
            value = start + (end - start) * max(0.0, (t - 0.3) / 0.7) + bump
        else:
            value = start + (end - start) * _shape(shape, t)
        values.append(round(value + rng.choice([-1, 0, 0, 1])))
    return values


def answers_for(instrument, total: int, rng, *, fixed=None) -> list[int]:
    """Option indices that add up to `total` (as near as the items allow)."""
    fixed = fixed or {}
    order = {}
    answers = []
    for position, item in enumerate(instrument.items):
        ranked = sorted(range(len(item.options)), key=lambda i: item.options[i].score or 0)
        order[position] = ranked
        answers.append(fixed.get(position, ranked[0]))
    current = {p: order[p].index(answers[p]) for p in order}

    def score_of(position):
        return instrument.items[position].options[answers[position]].score or 0

    running = sum(score_of(p) for p, item in enumerate(instrument.items) if item.scored)
    movable = [p for p, item in enumerate(instrument.items) if item.scored and p not in fixed]
    while running < total:
        candidates = []
        for position in movable:
            step = current[position] + 1
            if step < len(order[position]):
                gain = instrument.items[position].options[order[position][step]].score - score_of(
                    position
                )
                if running + gain <= total:
                    candidates.append(position)
        if not candidates:
            break
        position = rng.choice(candidates)
        running -= score_of(position)
        current[position] += 1
        answers[position] = order[position][current[position]]
        running += score_of(position)
    for position, item in enumerate(instrument.items):
        if not item.scored and position not in fixed:
            answers[position] = rng.randrange(len(item.options)) if total > 4 else 0
    return answers


def _at(day: datetime.date, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def _dates(start: datetime.date, end: datetime.date, rng, weeks=(4, 6)) -> list[datetime.date]:
    days = []
    day = start
    while day <= end:
        days.append(day)
        day += datetime.timedelta(weeks=rng.randint(*weeks), days=rng.randint(-2, 2))
    return days


def _record(client, by, instrument_id, day, answers, target=""):
    return actions.record_administration(
        client,
        by=by,
        instrument_id=instrument_id,
        answers=answers,
        administered_at=_at(day),
        target=target,
    )


def populate(ctx):
    rng, today = ctx.rng, ctx.today
    phq9, gad7 = instruments.get("phq-9"), instruments.get("gad-7")
    audit, audit_c = instruments.get("audit"), instruments.get("audit-c")
    dast, cudit = instruments.get("dast-10"), instruments.get("cudit-r")
    socrates = instruments.get("socrates-8a")
    item9 = phq9.item_index("q9")
    episodes = {
        e.client_id: e
        for e in Episode.objects.filter(client__in=ctx.clients).order_by("-admitted_on")
    }

    for index, client in enumerate(ctx.clients):
        episode = episodes.get(client.pk)
        if episode is None:
            continue  # waitlist: no measures yet
        clinician = client.primary_clinician
        start = max(episode.admitted_on, today - datetime.timedelta(days=365))
        end = episode.discharged_on or today - datetime.timedelta(days=rng.randint(2, 12))
        if end < start:
            end = start
        mood = MOOD[index % len(MOOD)]
        days = _dates(start, end, rng)
        phq_values = _trajectory(*mood[0], mood[2], len(days), rng)
        gad_values = _trajectory(*mood[1], mood[2], len(days), rng)
        dip_at = len(days) // 2
        for position, day in enumerate(days):
            fixed = {item9: 0}
            if index in ACKNOWLEDGED_ITEM9 and position == dip_at and len(days) > 2:
                fixed = {item9: 1}
            if index == OPEN_ITEM9 and position == len(days) - 1:
                fixed = {item9: 1}
            phq_total = max(0, min(27, phq_values[position]))
            _record(client, clinician, "phq-9", day, answers_for(phq9, phq_total, rng, fixed=fixed))
            gad_total = max(0, min(21, gad_values[position]))
            _record(client, clinician, "gad-7", day, answers_for(gad7, gad_total, rng))

        if index in ALCOHOL:
            alcohol_days = _dates(start, end, rng, weeks=(6, 8))
            values = _trajectory(
                rng.randint(17, 26), rng.randint(7, 15), "improving", len(alcohol_days), rng
            )
            _record(
                client,
                clinician,
                "audit-c",
                alcohol_days[0],
                answers_for(audit_c, min(12, values[0] // 2 + 2), rng),
            )
            for day, value in zip(alcohol_days, values, strict=True):
                _record(
                    client, clinician, "audit", day, answers_for(audit, max(0, min(40, value)), rng)
                )
            if index in (3, 9):
                _record(
                    client,
                    clinician,
                    "socrates-8a",
                    alcohol_days[0],
                    [rng.choice([2, 3, 3, 4]) for _ in socrates.items],
                )
        if index in OTHER_DRUGS:
            drug_days = _dates(start, end, rng, weeks=(10, 13))
            values = _trajectory(
                rng.randint(5, 8), rng.randint(2, 5), "improving", len(drug_days), rng
            )
            for day, value in zip(drug_days, values, strict=True):
                _record(
                    client,
                    clinician,
                    "dast-10",
                    day,
                    answers_for(dast, max(0, min(10, value)), rng),
                )
        if index in CANNABIS:
            weed_days = _dates(start, end, rng, weeks=(8, 9))
            values = _trajectory(
                rng.randint(13, 18), rng.randint(7, 11), "improving", len(weed_days), rng
            )
            for day, value in zip(weed_days, values, strict=True):
                _record(
                    client,
                    clinician,
                    "cudit-r",
                    day,
                    answers_for(cudit, max(0, min(32, value)), rng),
                )
        if index in RULER_TARGETS:
            ruler_days = _dates(start, end, rng, weeks=(8, 10))
            for step, day in enumerate(ruler_days):
                growth = step / max(1, len(ruler_days) - 1)
                scores = [
                    min(10, 6 + round(3 * growth)),
                    min(10, 3 + round(5 * growth)),
                    min(10, 4 + round(4 * growth)),
                ]
                _record(
                    client, clinician, "readiness-ruler", day, scores, target=RULER_TARGETS[index]
                )

        if client.status == "active" and index != 0:
            # Caseload "Measures due": schedules whose next item is overdue, due soon or later.
            starts = today + datetime.timedelta(days=rng.choice([-9, -3, 0, 2, 5, 12, 20]))
            actions.create_schedule(
                client,
                by=clinician,
                instrument_id="phq-9",
                every_weeks=4,
                starts_on=starts,
                in_portal=bool(client.portal_user_id),
            )
            if index in ALCOHOL:
                actions.create_schedule(
                    client,
                    by=clinician,
                    instrument_id="audit",
                    every_weeks=6,
                    starts_on=today + datetime.timedelta(days=rng.choice([-5, 4, 15])),
                    in_portal=False,
                )

    marisol = ctx.clients[0]
    maya = marisol.primary_clinician
    # Some of Marisol's past questionnaires were answered in the portal on her phone.
    recent = list(
        Administration.objects.filter(client=marisol, instrument_id__in=["phq-9", "gad-7"])
        .order_by("-administered_at")
        .values_list("pk", flat=True)[:6]
    )
    Administration.objects.filter(pk__in=recent).update(
        completed_in_portal=True, entered_by=ctx.client_user
    )
    for instrument_id in ("phq-9", "gad-7"):
        actions.create_schedule(
            marisol,
            by=maya,
            instrument_id=instrument_id,
            every_weeks=4,
            starts_on=today - datetime.timedelta(days=2),
            in_portal=True,
        )
    actions.assign(marisol, by=maya, instrument_id="readiness-ruler", in_portal=True)

    # A correction: one AUDIT was entered with item 2 misread from the paper form.
    first_audit = (
        Administration.objects.current()
        .filter(client__in=ctx.clients, instrument_id="audit")
        .order_by("administered_at")
        .first()
    )
    if first_audit is not None:
        answers = first_audit.answer_indices()
        answers[1] = max(0, answers[1] - 1) if answers[1] else 1
        actions.correct_administration(
            first_audit,
            by=first_audit.entered_by,
            answers=answers,
            reason="Item 2 was misread when entering the paper form.",
        )

    # Item-9 alerts: acknowledge all but the one on Jun's chart.
    for index, note in ACKNOWLEDGED_ITEM9.items():
        client = ctx.clients[index]
        for alert in Alert.objects.open().filter(client=client, kind="phq9_item9"):
            acknowledge_alert(alert, by=client.primary_clinician, note=note)
