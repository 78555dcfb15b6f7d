"""Failed sign-ins are audited too (HIPAA log-in monitoring, 45 CFR 164.308(a)(5)(ii)(C)).

The event names the account only when the typed address belongs to one, and never stores what
was typed: a mistyped password often sits in the username field.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    email = str(credentials.get("username") or credentials.get("email") or "").strip()
    account = get_user_model().objects.filter(email__iexact=email).first() if email else None
    record(
        by=account,
        action=AuditAction.LOGIN_FAILED,
        object_type="session",
        object_label="Sign-in failed",
    )
