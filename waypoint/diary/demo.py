"""Demo diaries: 90–180 days for most active clients, matching their goals (waypoint/goals/demo.py).

Use tapers over time for several people so that the chart shows "moved down a WHO level" and
more days within plan; some days are left unknown; the oldest weeks of a few diaries come from a
Timeline Followback; anchor events and money appear. Rows are bulk-inserted, then the rollups
are rebuilt in one pass (`rebuild_rollups`), which keeps the demo build fast.
"""

import datetime
from decimal import Decimal

from waypoint.diary.models import AnchorEvent, DiaryEntry, DiarySettings
from waypoint.diary.rollups import rebuild_rollups
from waypoint.goals.demo import ASSIGNMENTS
from waypoint.lib import units

PLACES = ["at home", "at a friend's place", "at the bar on 5th", "at a party", "in the park"]
COMPANY = ["alone", "with friends", "with my partner", "with coworkers", "with my cousin"]
NOTES = [
    "Long week. Glad I wrote this down.",
    "Stopped after my limit, felt good about it.",
    "Argument with my landlord, urges were strong.",
    "Went to group, helped a lot.",
    "Payday, spent more than I wanted.",
]


def _alcohol(rng, day, client, by, source, drinks, country):
    if rng.random() < 0.3:
        servings = max(1, round(drinks))
        return DiaryEntry(
            client=client,
            day=day,
            kind="use",
            substance="alcohol",
            unit="beverage",
            beverage="beer",
            amount=Decimal(servings),
            volume_ml=Decimal("355.0"),
            abv=Decimal("5.00"),
            alcohol_grams=servings * units.grams_from_volume(355, 5),
            money_spent=Decimal(servings * 7),
            source=source,
            entered_by=by,
            mood=rng.randint(3, 8),
            urge=rng.randint(2, 8),
            setting_where=rng.choice(PLACES),
            setting_with_whom=rng.choice(COMPANY),
        )
    drinks = max(1, round(drinks))
    return DiaryEntry(
        client=client,
        day=day,
        kind="use",
        substance="alcohol",
        unit="drinks",
        amount=Decimal(drinks),
        alcohol_grams=units.standard_drinks_to_grams(drinks, country),
        money_spent=Decimal(drinks * 6) if rng.random() < 0.5 else None,
        source=source,
        entered_by=by,
        mood=rng.randint(3, 8),
        urge=rng.randint(1, 9),
        note=rng.choice(NOTES) if rng.random() < 0.1 else "",
    )


def _use(client, day, by, source, substance, amount, unit, **extra):
    return DiaryEntry(
        client=client,
        day=day,
        kind="use",
        substance=substance,
        amount=Decimal(str(amount)),
        unit=unit,
        source=source,
        entered_by=by,
        **extra,
    )


def _day_entries(profile, rng, t, client, day, by, source, country):
    """Entries for one known day; t runs from 0 (start of the diary) to 1 (today)."""
    e = []
    if profile == "moderating_alcohol":
        if rng.random() < 0.75 - 0.35 * t:
            # From 5–7 drinks most days to 2–3 on fewer days.
            e.append(
                _alcohol(rng, day, client, by, source, rng.uniform(5, 7.5) * (1 - 0.6 * t), country)
            )
        if rng.random() < 0.5:
            e.append(_use(client, day, by, source, "cannabis", 1, "joints", route="smoked"))
    elif profile == "safer_opioids":
        if rng.random() < 0.85:
            followed = ["naloxone", "never_alone"] if rng.random() < 0.4 + 0.5 * t else ["naloxone"]
            if rng.random() < 0.3 + 0.5 * t:
                followed += ["test_strips", "new_supplies"]
            e.append(
                _use(
                    client,
                    day,
                    by,
                    source,
                    "opioids",
                    rng.randint(1, 3),
                    "times",
                    route="smoked" if rng.random() < 0.3 + 0.4 * t else "injected",
                    practices=followed,
                    money_spent=Decimal(rng.choice([10, 20, 20, 40])),
                )
            )
        if rng.random() < 0.3:
            e.append(_use(client, day, by, source, "cannabis", 1, "joints"))
    elif profile == "meth_abstinence":
        if rng.random() < 0.45 * (1 - t) + 0.03:
            e.append(
                _use(
                    client,
                    day,
                    by,
                    source,
                    "methamphetamine",
                    1,
                    "times",
                    route="smoked",
                    money_spent=Decimal(20),
                )
            )
        if rng.random() < 0.7:
            e.append(_use(client, day, by, source, "cannabis", rng.choice([1, 1, 2, 3]), "joints"))
    elif profile == "alcohol_to_abstinence":
        if rng.random() < 0.8 - 0.7 * t:
            e.append(_alcohol(rng, day, client, by, source, rng.uniform(3, 8), country))
    elif profile == "no_change_alcohol":
        if rng.random() < 0.5:
            e.append(_alcohol(rng, day, client, by, source, rng.uniform(1, 4), country))
    elif profile == "safer_stimulants":
        if rng.random() < 0.35:
            practices = [
                p
                for p in ("test_strips", "eat_hydrate", "budget", "no_mixing_depressants")
                if rng.random() < 0.5 + 0.45 * t
            ]
            e.append(
                _use(
                    client,
                    day,
                    by,
                    source,
                    "cocaine",
                    rng.randint(1, 4),
                    "lines",
                    route="snorted",
                    practices=practices,
                    money_spent=Decimal(rng.choice([20, 40, 60])),
                )
            )
        if rng.random() < 0.45:
            e.append(
                _alcohol(rng, day, client, by, source, rng.uniform(2, 6) * (1 - 0.3 * t), country)
            )
    elif profile == "benzo_safer":
        if rng.random() < 0.6:
            e.append(
                _use(
                    client,
                    day,
                    by,
                    source,
                    "benzodiazepines",
                    rng.choice([1, 2, 2, 3]),
                    "pills",
                    route="swallowed",
                    practices=["no_mixing_depressants"] if rng.random() < 0.8 else [],
                )
            )
        if rng.random() < 0.15 * (1 - t):
            e.append(_alcohol(rng, day, client, by, source, rng.uniform(1, 3), country))
    if not e:
        e.append(DiaryEntry(client=client, day=day, kind="no_use", source=source, entered_by=by))
    return e


def populate(ctx):
    rng, today = ctx.rng, ctx.today
    DiarySettings.objects.create(organization=ctx.clinic, country="US")
    DiarySettings.objects.create(organization=ctx.other_clinic, country="CA")
    entries, anchors = [], []
    for index, (client, profile) in enumerate(zip(ctx.clients, ASSIGNMENTS, strict=False)):
        clinician = client.primary_clinician or ctx.users["clinician"]
        portal = client.portal_user
        span = 180 if index % 3 == 0 else rng.randint(90, 170)
        tlfb_days = 28 if index % 4 == 1 else 0
        for back in range(span - 1, -1, -1):
            day = today - datetime.timedelta(days=back)
            t = 1 - back / span
            if back >= span - tlfb_days:
                source, by = "tlfb", clinician  # reconstructed in session
            elif rng.random() < 0.12:
                continue  # unknown: nothing recorded, never counted as a day without use
            elif portal is not None or rng.random() < 0.7:
                source, by = "client", portal
            else:
                source, by = "clinician", clinician
            entries.extend(_day_entries(profile, rng, t, client, day, by, source, "US"))
        payday = today - datetime.timedelta(days=rng.randint(1, 13))
        anchors.append(
            AnchorEvent(
                client=client, day=payday, kind="payday", label="Payday", repeats="fortnightly"
            )
        )
        anchors.append(
            AnchorEvent(
                client=client,
                day=today - datetime.timedelta(days=40 + index),
                kind="birthday",
                label="Mom's birthday",
                repeats="yearly",
            )
        )
        anchors.append(
            AnchorEvent(
                client=client,
                day=today - datetime.timedelta(days=70),
                kind="holiday",
                label="Long weekend",
            )
        )
    DiaryEntry.objects.bulk_create(entries, batch_size=2000)
    AnchorEvent.objects.bulk_create(anchors)
    rebuild_rollups([c.pk for c in ctx.clients[: len(ASSIGNMENTS)]])
