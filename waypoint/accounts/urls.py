from django.contrib.auth import views as auth_views
from django.urls import path

from waypoint.accounts import forms, twofactor_views, views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/keepalive/", views.keepalive, name="accounts-keepalive"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(form_class=forms.WaypointPasswordChangeForm),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.WaypointSetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/invite/<str:token>/", views.accept_invite, name="accounts-accept-invite"),
    path("staff/", views.staff_list, name="accounts-staff"),
    path("staff/invite/", views.staff_invite, name="accounts-invite"),
    path("staff/<int:pk>/", views.staff_edit, name="accounts-staff-edit"),
    path(
        "staff/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="accounts-invitation-revoke",
    ),
    path("settings/", views.organization_settings, name="accounts-organization"),
    path("settings/alerts/", views.alert_settings, name="accounts-alert-settings"),
    path("audit/", views.audit_log, name="audit-log"),
    path("accounts/two-factor/", twofactor_views.status, name="accounts-two-factor"),
    path("accounts/two-factor/setup/", twofactor_views.setup, name="accounts-two-factor-setup"),
    path("accounts/two-factor/verify/", twofactor_views.verify, name="accounts-two-factor-verify"),
    path("accounts/two-factor/codes/", twofactor_views.new_codes, name="accounts-two-factor-codes"),
    path("accounts/two-factor/off/", twofactor_views.disable, name="accounts-two-factor-disable"),
    path(
        "staff/<int:pk>/two-factor/", twofactor_views.admin_reset, name="accounts-two-factor-reset"
    ),
]
