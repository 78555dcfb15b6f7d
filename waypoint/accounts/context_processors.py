from django.conf import settings

from waypoint.accounts.roles import Permission


def navigation(request):
    """Links for the top navigation, by role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    if user.is_client:
        links = [
            ("portal-home", "My page"),
            ("diary-checkin", "Check-in"),
            ("privacy-portal", "My privacy"),
        ]
    else:
        links = [
            ("caseload", "Caseload"),
            ("clients-list", "Clients"),
            ("appointments-week", "Week"),
            ("groups-list", "Groups"),
            ("diary-report", "Outcomes"),
            ("measures-library", "Measures"),
        ]
        if user.can(Permission.SEE_SUPERVISEE_CHARTS):
            links.append(("notes-supervision", "Supervision"))
        if user.can(Permission.ANSWER_PUBLIC_QUESTIONS) and _answers_questions(user):
            links.append(("questions-queue", "Questions"))
        if user.can(Permission.MANAGE_STAFF):
            links.append(("accounts-staff", "Staff"))
        if user.can(Permission.MANAGE_ORGANIZATION):
            links.append(("privacy-settings", "Privacy"))
        if user.can(Permission.VIEW_ORGANIZATION_AUDIT):
            links.append(("audit-log", "Audit trail"))
        if user.can(Permission.MANAGE_ORGANIZATION):
            links.append(("notes-settings", "Note formats"))
            links.append(("accounts-organization", "Settings"))
        if user.can(Permission.VIEW_PROGRAM_REPORTS):
            links.append(("reports-program", "Program report"))
    links.append(("accounts-two-factor", "Sign-in security"))
    return {"nav_links": links}


def _answers_questions(user) -> bool:
    from waypoint.questions.permissions import can_answer_questions

    return can_answer_questions(user)


def idle_sign_out(request):
    """Seconds until the idle sign-out, for the warning in static/waypoint/session.js."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"session_seconds": settings.SESSION_COOKIE_AGE}
