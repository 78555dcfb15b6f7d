"""Inviting an address that already has an account reveals nothing to the inviting admin."""

import pytest
from django.core import mail
from django.urls import reverse

from waypoint.accounts.models import Invitation, User


def _invite(web, email):
    return web.post(
        reverse("accounts-invite"),
        {"full_name": "Nell Newhire", "email": email, "role": "clinician"},
        follow=True,
    )


@pytest.mark.parametrize("existing", ["otis@other.test", "OTIS@other.test", "maya@clinic.test"])
def test_the_answer_is_the_same_for_new_and_existing_addresses(
    login, admin, clinician, other_clinician, existing
):
    web = login(admin)
    new = _invite(web, "nell@clinic.test")
    mail.outbox.clear()
    known = _invite(web, existing)
    assert new.status_code == known.status_code == 200
    assert new.redirect_chain == known.redirect_chain == [(reverse("accounts-staff"), 302)]
    assert [str(m) for m in known.context["messages"]] == [
        f"Invitation sent to {existing.lower()}."
    ]
    # The staff page lists both invitations the same way.
    assert "(can no longer be used)" not in known.content.decode()
    assert Invitation.objects.filter(email=existing.lower()).exists()
    # The person with the account is told by email, without a link to a second account.
    [notice] = mail.outbox
    assert notice.to == [existing.lower()]
    assert "already has a Waypoint account" in notice.body
    assert "/accounts/invite/" not in notice.body


def test_an_invitation_to_an_existing_address_cannot_make_a_second_account(
    client, login, admin, other_clinician
):
    _invite(login(admin), "otis@other.test")
    invitation = Invitation.objects.get(email="otis@other.test")
    client.logout()
    assert client.get(reverse("accounts-accept-invite", args=[invitation.token])).status_code == 404
    other_clinician.refresh_from_db()
    assert other_clinician.organization.slug == "other-clinic"
    assert User.objects.filter(email__iexact="otis@other.test").count() == 1


def test_a_new_address_still_gets_its_link(login, admin):
    _invite(login(admin), "nell@clinic.test")
    [message] = mail.outbox
    assert "/accounts/invite/" in message.body
