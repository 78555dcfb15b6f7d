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
    """Invite someone by email. The admin sees the same answer whether or not the address
    already has an account (here or at another organization); if it does, its owner gets a
    notice instead of a link (one account per email: docs/security.md)."""
    invitation = Invitation.objects.create(
        organization=by.organization, email=email, full_name=full_name, role=role, invited_by=by
    )
    if User.objects.filter(email__iexact=email).exists():
        _tell_existing_account(invitation, by=by)
    else:
        _send_invitation_link(invitation, by=by, base_url=base_url)
    record(
        by=by,
        action=AuditAction.ACCOUNT,
        obj=invitation,
        object_label=f"Invitation for {email}",
        detail={"invited": email, "role": role},
    )
    return invitation


def _tell_existing_account(invitation: Invitation, *, by) -> None:
    send_mail(
        subject=f"{by.organization} tried to invite you to Waypoint",
        message=(
            f"Hello,\n\n{by} at {by.organization} tried to invite this email address to "
            f"Waypoint as {invitation.get_role_display().lower()}. This address already has a "
            "Waypoint account, so no new account was made and nothing about your account was "
            "shared with them.\n\nWaypoint gives each email address one account at one "
            "organization. To work with them too, ask them to invite a different email address "
            "of yours. If you did not expect this, you can ignore this message.\n"
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )


def _send_invitation_link(invitation: Invitation, *, by, base_url: str) -> None:
    full_name, email = invitation.full_name, invitation.email
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


def end_sessions(user, *, keep: str | None = None) -> None:
    """Sign a person out everywhere (deactivation, a two-factor reset), or everywhere but the
    session `keep` (turning two-factor on ends the sessions signed in with the password alone).

    Sessions are signed blobs keyed by session key, so finding one person's means decoding each
    live session; fine at clinic scale, and a cached-session backend would need the same.
    """
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep:
            continue
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


@transaction.atomic
def update_staff(
    user: User, *, by, changed_fields: list[str], supervisors=None, new_primary=None
) -> User:
    """Save a staff account. Deactivating one also hands over or covers their open charts:
    to `new_primary` if given; otherwise their open alerts go to their supervisors
    (`cover_open_alerts`) and the charts wait on the list of charts without an active primary.
    """
    from waypoint.clients import actions as client_actions

    user.save()
    if supervisors is not None:
        user.supervisors.set(supervisors)
    if not user.is_active:
        end_sessions(user)  # ending an account ends its sessions at once
        if new_primary is not None:
            client_actions.hand_over_charts(user, to=new_primary, by=by)
        client_actions.cover_open_alerts(user, by=by)
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
