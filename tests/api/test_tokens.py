"""Making and revoking tokens: the settings page and `waypoint token` (issue #14)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from waypoint.api.models import ApiToken
from waypoint.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_page_shows_a_new_token_once(login, clinician):
    browser = login(clinician)
    response = browser.post(
        "/account/api-tokens/", {"name": "reports", "scope": "read", "days": "30"}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    raw = response.context["new_token"]
    assert ApiToken.digest_of(raw) == token.digest
    assert raw in response.content.decode()
    again = browser.get("/account/api-tokens/").content.decode()
    assert raw not in again and token.prefix in again
    assert AuditEvent.objects.filter(object_type="api.apitoken", action="account").exists()


@pytest.mark.parametrize(
    "data,field",
    [
        ({"name": "", "scope": "read", "days": "30"}, "name"),
        ({"name": "x", "scope": "admin", "days": "30"}, "scope"),
        ({"name": "x", "scope": "read", "days": "400"}, "days"),
        ({"name": "x", "scope": "read", "days": "0"}, "days"),
    ],
)
def test_bad_input_makes_no_token(login, clinician, data, field):
    response = login(clinician).post("/account/api-tokens/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_revoke_only_your_own(login, clinician, colleague, make_token, api, client_chart):
    raw = make_token(clinician)
    token = ApiToken.objects.get()
    assert login(colleague).post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 404
    assert api(raw).get("/api/v1/clients").status_code == 200
    response = login(clinician).post(f"/account/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert api(raw).get("/api/v1/clients").status_code == 401


def test_clients_have_no_token_page(login, client_user):
    assert login(client_user).get("/account/api-tokens/").status_code == 403


def test_cli_prints_the_token_once(clinician, capsys):
    call_command("token", "create", clinician.email, "--scope", "read-write", "--days", "7")
    out, err = capsys.readouterr()
    raw = out.strip()
    token = ApiToken.objects.get()
    assert ApiToken.digest_of(raw) == token.digest and token.can_write
    assert "shown only once" in err
    call_command("token", "list", clinician.email)
    listing = capsys.readouterr().out
    assert token.prefix in listing and raw not in listing
    call_command("token", "revoke", token.prefix)
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize(
    "args,message",
    [
        (["create", "nobody@example.org"], "no account"),
        (["create", "CLIENT", "--days", "0"], "between 1 and"),
        (["revoke", "wpt_zzzzzz"], "0 tokens"),
    ],
)
def test_cli_refuses_with_a_reason(clinician, client_user, args, message):
    args = [clinician.email if a == "CLIENT" else a for a in args]
    with pytest.raises(CommandError, match=message):
        call_command("token", *args)
    assert not ApiToken.objects.exists()


@pytest.mark.slow
def test_console_script_exits_non_zero(tmp_path):
    from tests.cli import run_waypoint

    assert run_waypoint("migrate", "--no-input", "-v", "0", var_dir=tmp_path).returncode == 0
    result = run_waypoint("token", "create", "nobody@example.org", var_dir=tmp_path)
    assert result.returncode != 0
    assert "no account with the email nobody@example.org" in result.stderr
