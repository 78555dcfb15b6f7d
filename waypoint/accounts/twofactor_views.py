"""Pages for two-factor sign-in: status, enrolment, the second sign-in step, admin reset."""

import django_otp
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, resolve_url
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from waypoint.accounts import twofactor
from waypoint.accounts.decorators import permission_required
from waypoint.accounts.models import RecoveryCodeDevice
from waypoint.accounts.roles import Permission
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction


class CodeForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class VerifyForm(CodeForm):
    token = forms.CharField(
        label="Code from your authenticator app, or a recovery code",
        max_length=20,
        help_text="Six digits from the app, or one of your recovery codes (e.g. abcd-efgh).",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


def _safe_next(request, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url("home")


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET"])
@login_required
def status(request):
    user = request.user
    return TemplateResponse(
        request,
        "accounts/two_factor_status.html",
        {
            "enrolled": twofactor.is_enrolled(user),
            "required": twofactor.is_required(user),
            "codes_left": twofactor.recovery_codes_left(user),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def setup(request):
    user = request.user
    if twofactor.is_enrolled(user):
        if not user.is_verified():
            return redirect("accounts-two-factor-verify")
        return redirect("accounts-two-factor")
    device = twofactor.start_enrolment(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_enrolment(
            device, form.cleaned_data["token"], by=user, keep_session=request.session.session_key
        )
        if codes is not None:
            django_otp.login(request, device)
            request.session.cycle_key()
            return _no_store(
                TemplateResponse(
                    request,
                    "accounts/two_factor_codes.html",
                    {"codes": codes, "next": _safe_next(request, request.GET.get("next", ""))},
                )
            )
        form.add_error("token", "That code did not match. Check the app's clock and try again.")
    return _no_store(
        TemplateResponse(
            request,
            "accounts/two_factor_setup.html",
            {
                "form": form,
                "qr": twofactor.qr_data_uri(device),
                "manual_key": twofactor.manual_key(device),
                "required": twofactor.is_required(user),
            },
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second sign-in step, for a pending sign-in or a signed-in but unverified session."""
    state = None
    if request.user.is_authenticated:
        user = request.user
        if user.is_verified() or not twofactor.is_enrolled(user):
            return redirect(_safe_next(request, request.GET.get("next", "")))
        next_url = request.GET.get("next", "")
    else:
        state = twofactor.pending(request)
        if state is None:
            messages.info(request, "Please sign in again.")
            return redirect("login")
        user = get_user_model().objects.filter(pk=state["user_id"], is_active=True).first()
        if user is None:
            request.session.pop(twofactor.PENDING_SESSION_KEY, None)
            return redirect("login")
        next_url = state.get("next", "")
    form = VerifyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify(user, form.cleaned_data["token"])
        if device is not None:
            if state is not None:
                user.otp_device = device  # django-otp stores it in the session at login
                login(request, user, backend=state["backend"])
            else:
                django_otp.login(request, device)
                request.session.cycle_key()
            if isinstance(device, RecoveryCodeDevice):
                left = twofactor.recovery_codes_left(user)
                record(
                    by=user,
                    action=AuditAction.ACCOUNT,
                    obj=user,
                    detail={"two_factor": "recovery_code_used"},
                )
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. Make new ones on your "
                    "two-factor page if you are running low.",
                )
            return HttpResponseRedirect(_safe_next(request, next_url))
        record(
            by=user,
            action=AuditAction.LOGIN_FAILED,
            object_type="session",
            object_label="Second factor",
            detail={"second_factor": True},
        )
        if state is not None:
            state["attempts"] = state.get("attempts", 0) + 1
            request.session[twofactor.PENDING_SESSION_KEY] = state
            if state["attempts"] >= twofactor.PENDING_MAX_ATTEMPTS:
                request.session.pop(twofactor.PENDING_SESSION_KEY, None)
                messages.error(request, "Too many codes did not match. Please sign in again.")
                return redirect("login")
        form.add_error(
            "token", "That code did not match. Wait for a new code, or use a recovery code."
        )
    return _no_store(TemplateResponse(request, "accounts/two_factor_verify.html", {"form": form}))


@require_POST
@login_required
def new_codes(request):
    if not twofactor.is_enrolled(request.user):
        return redirect("accounts-two-factor-setup")
    codes = twofactor.regenerate_recovery_codes(request.user, by=request.user)
    return _no_store(
        TemplateResponse(
            request,
            "accounts/two_factor_codes.html",
            {"codes": codes, "next": resolve_url("accounts-two-factor")},
        )
    )


@require_POST
@login_required
def disable(request):
    user = request.user
    if twofactor.is_required(user):
        messages.error(
            request, "Your organization requires two-factor sign-in; an admin can reset it."
        )
        return redirect("accounts-two-factor")
    twofactor.remove_two_factor(user, by=user, reason="turned_off")
    messages.success(request, "Two-factor sign-in is off.")
    return redirect("accounts-two-factor")


def _member_for_admin(admin, pk):
    """Anyone with a login in the admin's organization (staff or client portal user)."""
    return get_object_or_404(get_user_model(), pk=pk, organization_id=admin.organization_id)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_STAFF)
def admin_reset(request, pk):
    member = _member_for_admin(request.user, pk)
    if request.method == "POST":
        twofactor.remove_two_factor(member, by=request.user, reason="reset_by_admin")
        messages.success(
            request,
            f"Two-factor sign-in reset for {member}. They set it up again at their next sign-in.",
        )
        return redirect("accounts-two-factor-reset", pk=member.pk)
    return TemplateResponse(
        request,
        "accounts/two_factor_reset.html",
        {
            "member": member,
            "enrolled": twofactor.is_enrolled(member),
            "codes_left": twofactor.recovery_codes_left(member),
        },
    )
