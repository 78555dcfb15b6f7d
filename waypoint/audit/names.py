"""Readable names for the record types the audit trail stores (`clients.client` → "Client chart").

The stored `object_type` stays as written (it is part of the hash chain); this is the one place
that turns it into words for people.
"""

from django.apps import apps

NAMES = {
    "clients.client": "Client chart",
    "clients.alert": "Safety alert",
    "clients.episode": "Episode of care",
    "clients.contact": "Contact",
    "accounts.user": "Account",
    "accounts.invitation": "Staff invitation",
    "clinics.organization": "Organization settings",
    "measures.administration": "Measure",
    "measures.schedule": "Measure schedule",
    "diary.timelinefollowback": "Timeline Followback",
    "diary.anchorevent": "Timeline anchor event",
    "caseload": "Caseload",
    "client_list": "Client list",
    "outcome_report": "Outcome report",
    "session": "Sign-in session",
    "privacy.retention": "Retention and disposal",
}


def object_type_name(object_type: str) -> str:
    if not object_type:
        return ""
    if object_type in NAMES:
        return NAMES[object_type]
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type.replace(".", " ").replace("_", " ").capitalize()
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]
