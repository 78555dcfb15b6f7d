"""Roles as code: what each kind of person may do, in plain language.

Record-level rules (which charts a person may open) live in `waypoint.clients.access`;
this module answers "may this role do this kind of thing at all".
"""

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Organization admin"
    SUPERVISOR = "supervisor", "Supervisor"
    CLINICIAN = "clinician", "Clinician"
    CLIENT = "client", "Client"


class Permission(StrEnum):
    MANAGE_STAFF = "manage_staff"
    MANAGE_ORGANIZATION = "manage_organization"
    VIEW_ORGANIZATION_AUDIT = "view_organization_audit"
    VIEW_ACCESS_HISTORY = "view_access_history"
    CREATE_CHART = "create_chart"
    MANAGE_CARE_TEAM = "manage_care_team"
    SEE_ALL_CHARTS = "see_all_charts"
    WRITE_ALL_CHARTS = "write_all_charts"
    SEE_SUPERVISEE_CHARTS = "see_supervisee_charts"
    USE_PORTAL = "use_portal"
    MANAGE_MEASURE_NORMS = "manage_measure_norms"
    EDIT_PUBLIC_CONTENT = "edit_public_content"  # the public library (waypoint.library)
    VIEW_PROGRAM_REPORTS = "view_program_reports"  # de-identified program outcomes (reports)
    ANSWER_PUBLIC_QUESTIONS = "answer_public_questions"  # public Q&A (waypoint.questions)


ROLE_DESCRIPTIONS = {
    Role.ADMIN: (
        "Runs the organization: invites staff, changes roles, sees every chart, the audit "
        "trail and each chart's access history."
    ),
    Role.SUPERVISOR: (
        "A clinician who also supervises others: sees the charts of the people their "
        "supervisees work with, as well as their own caseload."
    ),
    Role.CLINICIAN: (
        "Works with clients: sees and writes the charts where they are on the care team."
    ),
    Role.CLIENT: "A person in care: sees their own goals, check-ins and plans in the portal.",
}

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.ADMIN: frozenset(
        {
            Permission.MANAGE_STAFF,
            Permission.MANAGE_ORGANIZATION,
            Permission.VIEW_ORGANIZATION_AUDIT,
            Permission.VIEW_ACCESS_HISTORY,
            Permission.CREATE_CHART,
            Permission.MANAGE_CARE_TEAM,
            Permission.SEE_ALL_CHARTS,
            Permission.WRITE_ALL_CHARTS,
            Permission.MANAGE_MEASURE_NORMS,
            Permission.EDIT_PUBLIC_CONTENT,
            Permission.VIEW_PROGRAM_REPORTS,
            Permission.ANSWER_PUBLIC_QUESTIONS,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            Permission.CREATE_CHART,
            Permission.SEE_SUPERVISEE_CHARTS,
            Permission.MANAGE_CARE_TEAM,
            Permission.VIEW_PROGRAM_REPORTS,
            Permission.ANSWER_PUBLIC_QUESTIONS,
        }
    ),
    Role.CLINICIAN: frozenset({Permission.CREATE_CHART, Permission.ANSWER_PUBLIC_QUESTIONS}),
    Role.CLIENT: frozenset({Permission.USE_PORTAL}),
}

STAFF_ROLES = (Role.ADMIN, Role.SUPERVISOR, Role.CLINICIAN)


def role_has(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
