"""Sign-in and sign-out are audited (HIPAA audit controls)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    record(by=user, action=AuditAction.LOGIN, object_type="session", object_label="Sign-in")


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record(by=user, action=AuditAction.LOGOUT, object_type="session", object_label="Sign-out")
