"""Staff and account forms speak Waypoint's words, not Django's stock help texts."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from waypoint.accounts import actions

STOCK = [
    "Designates whether",
    "Unselect this instead of deleting accounts",
    "Enter the same password as before",
    "Your password can’t be too similar",
    "Your password must contain at least",
    "Required. 150 characters",
    "The groups this user belongs to",
]


def _reset_url(client, user):
    url = reverse(
        "password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    return client.get(url, follow=True).content.decode()  # follows to the set-password step


@pytest.mark.parametrize(
    "page",
    ["staff edit", "invite", "organization", "password change", "password reset", "accept invite"],
)
def test_staff_forms_show_no_stock_django_help_text(client, login, admin, clinician, page):
    if page == "password reset":
        body = _reset_url(client, clinician)
        assert 'name="new_password1"' in body
    elif page == "accept invite":
        invitation = actions.invite_staff(
            by=admin, email="nell@clinic.test", full_name="Nell", role="clinician", base_url=""
        )
        body = client.get(reverse("accounts-accept-invite", args=[invitation.token])).content
        body = body.decode()
    else:
        url = {
            "staff edit": reverse("accounts-staff-edit", args=[clinician.pk]),
            "invite": reverse("accounts-invite"),
            "organization": reverse("accounts-organization"),
            "password change": reverse("password_change"),
        }[page]
        body = login(admin).get(url).content.decode()
    assert "<form" in body
    assert [text for text in STOCK if text in body.replace("&#x27;", "'")] == []


def test_the_deactivation_checkbox_explains_itself(login, admin, clinician):
    body = login(admin).get(reverse("accounts-staff-edit", args=[clinician.pk])).content.decode()
    assert "Deactivating signs them out at once and stops them signing in" in body
