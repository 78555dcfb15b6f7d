import copy

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from waypoint.accounts import actions, twofactor
from waypoint.accounts.decorators import permission_required
from waypoint.accounts.forms import (
    AcceptInvitationForm,
    AlertSettingsForm,
    EmailAuthenticationForm,
    InvitationForm,
    OrganizationSettingsForm,
    StaffForm,
)
from waypoint.accounts.models import Invitation, User
from waypoint.accounts.roles import ROLE_DESCRIPTIONS, STAFF_ROLES, Permission
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction, AuditEvent


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        """Password accepted. With two-factor on, the second step signs the person in."""
        user = form.get_user()
        if twofactor.is_enrolled(user):
            twofactor.start_pending(self.request, user, next_url=self.get_success_url())
            return redirect("accounts-two-factor-verify")
        return super().form_valid(form)


@require_POST
def keepalive(request):
    """ "Stay signed in" from the idle warning (static/waypoint/session.js): any request renews
    the session (SESSION_SAVE_EVERY_REQUEST), so this only answers how long it now lasts."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "seconds": 0}, status=401)
    return JsonResponse({"signed_in": True, "seconds": request.session.get_expiry_age()})


@require_safe
def home(request):
    if not request.user.is_authenticated:
        from waypoint.library.views import public_home

        return public_home(request)  # the public front door (waypoint.library)
    if request.user.is_client:
        return redirect("portal-home")
    return redirect("caseload")


def get_staff_for_admin(admin, pk) -> User:
    """The one way to reach a staff account for editing: same organization, staff roles only."""
    return get_object_or_404(
        User, pk=pk, organization_id=admin.organization_id, role__in=STAFF_ROLES
    )


@require_GET
@permission_required(Permission.MANAGE_STAFF)
def staff_list(request):
    staff = (
        User.objects.staff_of(request.user.organization)
        .prefetch_related("supervisors", "supervisees")
        .order_by("-is_active", "full_name")
    )
    invitations = Invitation.objects.filter(
        organization=request.user.organization, accepted_at__isnull=True, revoked_at__isnull=True
    )
    return TemplateResponse(
        request,
        "accounts/staff_list.html",
        {
            "staff": staff,
            "invitations": invitations,
            "role_descriptions": [(r.label, ROLE_DESCRIPTIONS[r]) for r in STAFF_ROLES],
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_STAFF)
def staff_invite(request):
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        actions.invite_staff(
            by=request.user,
            base_url=request.build_absolute_uri("/").rstrip("/"),
            **form.cleaned_data,
        )
        messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
        return redirect("accounts-staff")
    return TemplateResponse(request, "accounts/staff_invite.html", {"form": form})


@require_POST
@permission_required(Permission.MANAGE_STAFF)
def invitation_revoke(request, pk):
    invitation = get_object_or_404(
        Invitation, pk=pk, organization=request.user.organization, accepted_at__isnull=True
    )
    actions.revoke_invitation(invitation, by=request.user)
    messages.success(request, "Invitation withdrawn.")
    return redirect("accounts-staff")


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_STAFF)
def staff_edit(request, pk):
    member = get_staff_for_admin(request.user, pk)
    # The form edits a copy, so a refused save never shows typed values as the member's own.
    form = StaffForm(
        request.POST if request.method == "POST" else None,
        instance=copy.copy(member),
        acting_user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        new_primary = form.cleaned_data.get("new_primary_clinician")
        deactivating = form.deactivating
        actions.update_staff(
            form.save(commit=False),
            by=request.user,
            changed_fields=form.changed_data,
            supervisors=form.cleaned_data["supervisors"],
            new_primary=new_primary if deactivating else None,
        )
        messages.success(request, f"Saved {form.instance}.")
        if deactivating and form.open_chart_count and new_primary is None:
            covered = (
                f"their open alerts went to {form.instance}'s supervisors"
                if form.instance.supervisors.filter(is_active=True).exists()
                else f"{form.instance} has no active supervisor, so their open alerts wait here"
            )
            messages.info(
                request,
                f"{form.open_chart_count} chart(s) need a new primary clinician; {covered}.",
            )
            return redirect("clients-unassigned")
        return redirect("accounts-staff")
    return TemplateResponse(request, "accounts/staff_edit.html", {"form": form, "member": member})


@require_http_methods(["GET", "POST"])
def accept_invite(request, token):
    invitation = Invitation.objects.filter(token=token).select_related("organization").first()
    if invitation is None or not invitation.is_usable():
        return TemplateResponse(request, "accounts/invite_invalid.html", status=404)
    form = AcceptInvitationForm(
        request.POST if request.method == "POST" else None, invitation=invitation
    )
    if request.method == "POST" and form.is_valid():
        user = actions.accept_invitation(invitation, password=form.cleaned_data["password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to {invitation.organization}.")
        return redirect("home")
    return TemplateResponse(
        request, "accounts/accept_invite.html", {"form": form, "invitation": invitation}
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_ORGANIZATION)
def organization_settings(request):
    organization = request.user.organization
    initial = {
        "name": organization.name,
        "timezone": organization.timezone,
        "clinicians_see_all_charts": organization.clinicians_see_all_charts,
        "require_staff_two_factor": organization.require_staff_two_factor,
        "public_on_call_email": organization.public_on_call_email,
    }
    form = OrganizationSettingsForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        actions.update_organization(organization, by=request.user, **form.cleaned_data)
        messages.success(request, "Organization settings saved.")
        return redirect("accounts-organization")
    return TemplateResponse(
        request, "accounts/organization_settings.html", {"form": form, "organization": organization}
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_ORGANIZATION)
def alert_settings(request):
    organization = request.user.organization
    fields = AlertSettingsForm.base_fields
    form = AlertSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(organization, name) for name in fields}
        | {"alert_review_days": list(organization.alert_review_days)},
    )
    if request.method == "POST" and form.is_valid():
        actions.update_organization(organization, by=request.user, **form.cleaned_data)
        messages.success(request, "Alert settings saved.")
        return redirect("accounts-alert-settings")
    return TemplateResponse(
        request,
        "accounts/alert_settings.html",
        {"form": form, "organization": organization},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
@permission_required(Permission.VIEW_ORGANIZATION_AUDIT)
def audit_log(request):
    events = AuditEvent.objects.for_organization(request.user.organization_id)
    action = request.GET.get("action", "")
    if action:
        events = events.filter(action=action)
    page = Paginator(events.order_by("-at", "-id"), 100).get_page(request.GET.get("page"))
    # Reading the trail is itself an access to be accounted for (who looked at whose history).
    record(
        by=request.user,
        action=AuditAction.VIEW,
        object_type="audit.auditevent",
        object_label="Audit trail",
        detail={
            "page": "audit trail",
            "filter": action if action in AuditAction.values else "",
            "page_number": page.number,
        },
    )
    return TemplateResponse(
        request,
        "audit/audit_log.html",
        {"page": page, "action": action, "actions": AuditEvent._meta.get_field("action").choices},
    )
