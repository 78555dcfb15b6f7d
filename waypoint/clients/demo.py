"""Demo charts: about 25 people at the demo clinic and a few at Other Clinic.

Names are deliberately, obviously fictional. Histories are synthetic.
"""

import datetime

from waypoint.accounts.models import User
from waypoint.accounts.roles import Role
from waypoint.clients import actions
from waypoint.clients.models import ChartStatus, ContactKind, DischargeReason

# (preferred/legal name, pronouns, thresholds, status, clinician key, months in care)
DEMO_PEOPLE = [
    ("Marisol Brightwater", "she/her", "female", "active", "clinician", 14),
    ("Dev Sandpiper", "he/him", "male", "active", "clinician", 9),
    ("Jun Quillfeather", "they/them", "female", "active", "clinician", 6),
    ("Rosa Thistledown", "she/her", "female", "active", "clinician", 20),
    ("Abe Lanternfish", "he/him", "male", "active", "clinician", 3),
    ("Kit Marigold", "they/them", "male", "active", "clinician", 11),
    ("Tomasz Wrenfield", "he/him", "male", "active", "clinician", 2),
    ("Priya Fernhollow", "she/her", "female", "active", "clinician", 8),
    ("Nia Copperleaf", "she/her", "female", "active", "clinician", 5),
    ("Eli Stonebrook", "he/him", "male", "active", "clinician", 16),
    ("Grace Moonwhistle", "she/her", "female", "active", "clinician2", 7),
    ("Omar Driftwood", "he/him", "male", "active", "clinician2", 12),
    ("Sky Larkspur", "she/they", "female", "active", "clinician2", 4),
    ("Hank Pebbleton", "he/him", "male", "active", "clinician2", 24),
    ("Lena Brambleberry", "she/her", "female", "active", "clinician2", 1),
    ("Rafael Tidewell", "he/him", "male", "active", "clinician2", 10),
    ("Ivy Cloudberry", "she/her", "female", "active", "clinician2", 13),
    ("Beau Honeycomb", "he/him", "male", "active", "supervisor", 18),
    ("Ada Foxglove", "she/her", "female", "active", "supervisor", 6),
    ("Quinn Rainshadow", "they/them", "male", "waitlist", "clinician", 0),
    ("Mo Starling", "he/him", "male", "waitlist", "clinician2", 0),
    ("Wren Saltmarsh", "she/her", "female", "waitlist", "clinician", 0),
    ("Felix Amberly", "he/him", "male", "discharged", "clinician", 15),
    ("June Hollyhock", "she/her", "female", "discharged", "clinician2", 9),
    ("Cass Wintergreen", "they/them", "female", "discharged", "clinician", 6),
]

OTHER_PEOPLE = [
    ("Otto Examplar", "he/him", "male"),
    ("Petra Placeholder", "she/her", "female"),
    ("Remy Fictitious", "they/them", "male"),
]

LANGUAGES = ["English", "English, Spanish", "Spanish", "English", "English, Tagalog", "English"]
DISCHARGE_REASONS = [
    DischargeReason.GOALS_MET,
    DischargeReason.MOVED,
    DischargeReason.CHOSE_TO_PAUSE,
]


def _months_ago(today, months):
    return today - datetime.timedelta(days=int(months * 30.4))


def populate(ctx):
    rng, today = ctx.rng, ctx.today
    admin = ctx.users["admin"]
    for index, (name, pronouns, thresholds, status, who, months) in enumerate(DEMO_PEOPLE, 1):
        first, last = name.split()
        clinician = ctx.users[who]
        team = [clinician]
        if index % 5 == 0:
            team.append(ctx.users["clinician2" if who == "clinician" else "clinician"])
        dob = datetime.date(
            today.year - rng.randint(22, 66), rng.randint(1, 12), rng.randint(1, 28)
        )
        client = actions.create_client(
            by=admin,
            organization=ctx.clinic,
            chart_number=f"D-{1000 + index}",
            legal_name=f"{first} {last}" if index % 4 else f"{first}a {last}",
            preferred_name=first if index % 4 == 0 else "",
            pronouns=pronouns,
            date_of_birth=dob,
            phone=f"555-01{index:02d}",
            email=f"{first.lower()}.{last.lower()}@example.org",
            address=f"{100 + index} Example Street\nSpringfield",
            languages=LANGUAGES[index % len(LANGUAGES)],
            emergency_contact_name=f"Pat {last}",
            emergency_contact_relationship=rng.choice(["sibling", "friend", "partner", "parent"]),
            emergency_contact_phone=f"555-02{index:02d}",
            drinking_thresholds=thresholds,
            primary_clinician=clinician,
            care_team=team,
        )
        if status != ChartStatus.WAITLIST:
            admitted = _months_ago(today, months)
            actions.admit_client(client, by=admin, admitted_on=admitted)
            contact_day = admitted
            while contact_day < today:
                actions.record_contact(
                    client,
                    by=clinician,
                    occurred_on=contact_day,
                    kind=rng.choice(
                        [ContactKind.INDIVIDUAL] * 4 + [ContactKind.GROUP, ContactKind.PHONE]
                    ),
                    minutes=rng.choice([30, 45, 50, 60]),
                )
                contact_day += datetime.timedelta(days=rng.randint(6, 16))
            if status == ChartStatus.DISCHARGED:
                actions.discharge_client(
                    client,
                    by=clinician,
                    discharged_on=today - datetime.timedelta(days=rng.randint(10, 60)),
                    reason=DISCHARGE_REASONS[index % len(DISCHARGE_REASONS)],
                    note="Synthetic demo discharge note: door stays open.",
                )
        ctx.clients.append(client)

    # The portal login belongs to the first person, Marisol.
    client_user = User.objects.create_user(
        email="client@demo.test",
        password=ctx_password(),
        organization=ctx.clinic,
        role=Role.CLIENT,
    )
    actions.link_portal_user(ctx.clients[0], by=admin, user=client_user)
    ctx.client_user = client_user

    other = ctx.users["other"]
    for index, (name, pronouns, thresholds) in enumerate(OTHER_PEOPLE, 1):
        client = actions.create_client(
            by=other,
            organization=ctx.other_clinic,
            chart_number=f"O-{index:03d}",
            legal_name=name,
            pronouns=pronouns,
            drinking_thresholds=thresholds,
            primary_clinician=other,
            admitted_on=_months_ago(today, 3 + index),
        )
        actions.record_contact(
            client,
            by=other,
            occurred_on=today - datetime.timedelta(days=index * 3),
            kind="individual",
        )
        ctx.other_clients.append(client)


def ctx_password():
    from waypoint.clinics.demo import DEMO_PASSWORD

    return DEMO_PASSWORD
