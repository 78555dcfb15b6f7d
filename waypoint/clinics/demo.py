"""The demo clinics: how people first meet Waypoint. Synthetic data only, never in production.

`build_demo()` creates the organizations and staff, then runs each app's `populate(ctx)` in
`DEMO_STEPS` order. A feature adds its demo data by adding a step here.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.module_loading import import_string

from waypoint.accounts.models import User
from waypoint.accounts.roles import Role
from waypoint.clinics.models import Organization

DEMO_PASSWORD = "waypoint-demo"  # noqa: S105  # nosec B105 - published demo password, refused in production
DEMO_LOGINS = [
    ("admin@demo.test", "Organization admin, Demo Harm Reduction Clinic"),
    ("supervisor@demo.test", "Supervisor (supervises both clinicians)"),
    ("clinician@demo.test", "Clinician with a full caseload"),
    ("clinician2@demo.test", "Second clinician"),
    ("client@demo.test", "Client portal (Marisol Brightwater's chart)"),
    ("other@demo.test", "Clinician at Other Clinic (shows isolation)"),
]

DEMO_STEPS = [
    "waypoint.clients.demo.populate",
    "waypoint.goals.demo.populate",
    "waypoint.diary.demo.populate",
    "waypoint.assessment.demo.populate",
    "waypoint.measures.demo.populate",
    "waypoint.plans.demo.populate",
    "waypoint.privacy.demo.populate",
    "waypoint.appointments.demo.populate",
    "waypoint.notes.demo.populate",
    "waypoint.medications.demo.populate",
    "waypoint.groups.demo.populate",
    "waypoint.library.demo.populate",
    "waypoint.questions.demo.populate",
]


@dataclass
class DemoContext:
    today: datetime.date
    rng: random.Random
    clinic: Organization
    other_clinic: Organization
    users: dict[str, User]
    clients: list = field(default_factory=list)
    other_clients: list = field(default_factory=list)
    client_user: User | None = None


def has_data() -> bool:
    return Organization.objects.exists()


def _staff(org, email, name, role, credentials=""):
    return User.objects.create_user(
        email=email,
        password=DEMO_PASSWORD,
        full_name=name,
        organization=org,
        role=role,
        credentials=credentials,
    )


@transaction.atomic
def build_demo(today: datetime.date | None = None) -> DemoContext:
    clinic = Organization.objects.create(
        name="Demo Harm Reduction Clinic", slug="demo", timezone="America/Los_Angeles"
    )
    other = Organization.objects.create(
        name="Other Clinic", slug="other", timezone="America/Chicago"
    )
    users = {
        "admin": _staff(clinic, "admin@demo.test", "Dana Admin", Role.ADMIN),
        "supervisor": _staff(clinic, "supervisor@demo.test", "Sam Okafor", Role.SUPERVISOR, "PsyD"),
        "clinician": _staff(clinic, "clinician@demo.test", "Maya Chen", Role.CLINICIAN, "LCSW"),
        "clinician2": _staff(clinic, "clinician2@demo.test", "Luis Romero", Role.CLINICIAN, "LMFT"),
        "other": _staff(other, "other@demo.test", "Olive Otherton", Role.CLINICIAN, "LPC"),
    }
    users["clinician"].supervisors.add(users["supervisor"])
    users["clinician2"].supervisors.add(users["supervisor"])
    ctx = DemoContext(
        today=today or clinic.today(),
        rng=random.Random(20261128),  # noqa: S311  # nosec B311 - synthetic data, not security
        clinic=clinic,
        other_clinic=other,
        users=users,
    )
    for dotted in DEMO_STEPS:
        import_string(dotted)(ctx)
    return ctx
