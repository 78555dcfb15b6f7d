"""Account writes: invitations, role changes, deactivation. Each is audited."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from waypoint.accounts.models import Invitation, User
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction


@transaction.atomic
def invite_staff(*, by, email, full_name, role, base_url: str) -> Invitation:
    invitation = Invitation.objects.create(
        organization=by.organization, email=email, full_name=full_name, role=role, invited_by=by
    )
    link = base_url + reverse("accounts-accept-invite", args=[invitation.token])
    send_mail(
        subject=f"You're invited to {by.organization} on Waypoint",
        message=(
            f"Hello {full_name},\n\n{by} invited you to join {by.organization} on Waypoint "
            f"as {invitation.get_role_display().lower()}.\n\nSet your password here "
            f"(the link works for {settings.INVITATION_MAX_AGE_DAYS} days):\n{link}\n"
        ),
        from_email=None,
        recipient_list=[email],
    )
    record(
        by=by,
        action=AuditAction.ACCOUNT,
        obj=invitation,
        object_label=f"Invitation for {email}",
        detail={"invited": email, "role": role},
    )
    return invitation


@transaction.atomic
def accept_invitation(invitation: Invitation, *, password: str) -> User:
    if not invitation.is_usable():
        raise ValueError("This invitation has expired or was already used.")
    user = User.objects.create_user(
        email=invitation.email,
        password=password,
        full_name=invitation.full_name,
        organization=invitation.organization,
        role=invitation.role,
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record(by=user, action=AuditAction.ACCOUNT, obj=user, detail={"accepted_invitation": True})
    return user


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, by) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(by=by, action=AuditAction.ACCOUNT, obj=invitation, detail={"revoked": True})


def end_sessions(user) -> None:
    """Sign a person out everywhere (deactivation, a two-factor reset).

    Sessions are signed blobs keyed by session key, so finding one person's means decoding each
    live session; fine at clinic scale, and a cached-session backend would need the same.
    """
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


@transaction.atomic
def update_staff(user: User, *, by, changed_fields: list[str], supervisors=None) -> User:
    user.save()
    if supervisors is not None:
        user.supervisors.set(supervisors)
    if not user.is_active:
        end_sessions(user)  # ending an account ends its sessions at once
    record(
        by=by,
        action=AuditAction.ACCOUNT,
        obj=user,
        object_label=str(user),
        detail={"fields": sorted(changed_fields), "role": user.role, "active": user.is_active},
    )
    return user


@transaction.atomic
def update_organization(organization, *, by, **values) -> None:
    changed = sorted(k for k, v in values.items() if getattr(organization, k) != v)
    for key, value in values.items():
        setattr(organization, key, value)
    organization.save()
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=organization,
        object_label=str(organization),
        detail={"fields": changed},
    )
