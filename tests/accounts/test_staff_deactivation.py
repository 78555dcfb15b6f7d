"""Deactivating a clinician who still has clients: count, hand-over, and who gets the alerts."""

from django.urls import reverse

from waypoint.clients.models import Client


def _deactivate(user, **extra):
    data = {
        "full_name": user.full_name,
        "credentials": user.credentials,
        "role": user.role,
        "supervisors": [s.pk for s in user.supervisors.all()],
    }
    data.update(extra)
    return data


def test_deactivating_asks_for_a_new_primary_and_says_how_many(
    login, admin, clinician, client_chart
):
    web = login(admin)
    url = reverse("accounts-staff-edit", args=[clinician.pk])
    form = web.get(url).context["form"]
    assert form.open_chart_count == 1
    assert "primary clinician of 1 open chart" in form.fields["new_primary_clinician"].help_text
    response = web.post(url, _deactivate(clinician))
    assert response.status_code == 200
    errors = response.context["form"].errors["new_primary_clinician"]
    assert errors == [
        "Maya Clinician is the primary clinician of 1 open chart(s). Choose who takes them "
        "over, or tick “Reassign later”."
    ]
    clinician.refresh_from_db()
    assert clinician.is_active  # nothing changed


def test_the_new_primary_takes_over_the_open_charts(
    login, admin, clinician, colleague, client_chart
):
    response = login(admin).post(
        reverse("accounts-staff-edit", args=[clinician.pk]),
        _deactivate(clinician, new_primary_clinician=colleague.pk),
    )
    assert response.status_code == 302 and response["Location"] == reverse("accounts-staff")
    client_chart.refresh_from_db()
    assert client_chart.primary_clinician == colleague
    assert colleague in client_chart.care_team.all()
    assert not Client.objects.without_active_primary().exists()


def test_reassigning_later_sends_open_alerts_to_the_supervisor(
    login, admin, clinician, supervisor, client_chart, alert
):
    response = login(admin).post(
        reverse("accounts-staff-edit", args=[clinician.pk]),
        _deactivate(clinician, reassign_later="on"),
    )
    assert response["Location"] == reverse("clients-unassigned")
    client_chart.refresh_from_db()
    assert client_chart.primary_clinician == clinician  # waits for a new one
    assert supervisor in client_chart.care_team.all()
    # The alert is on Sol's own caseload now, and he may acknowledge it.
    sol = login(supervisor)
    caseload = sol.get(reverse("caseload"))
    mine = caseload.context["sections"][0]
    assert mine["title"] == "My caseload"
    assert [c.pk for c in mine["rows"]] == [client_chart.pk]
    assert [a.pk for a in mine["rows"][0].open_alerts] == [alert.pk]
    ack = sol.post(
        reverse("clients-alert-acknowledge", args=[client_chart.pk, alert.pk]),
        {f"alert{alert.pk}-note": "Called; safe."},
    )
    assert ack.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == supervisor


def test_the_chart_shows_an_inactive_primary(login, admin, clinician, client_chart):
    clinician.is_active = False
    clinician.save()
    body = login(admin).get(client_chart.get_absolute_url()).content.decode()
    assert "account is inactive: this chart needs a new primary clinician" in body
    assert '<span class="badge">inactive</span>' in body


def test_admins_reassign_later_from_the_list(
    login, admin, clinician, colleague, client_chart, colleague_chart
):
    clinician.is_active = False
    clinician.save()
    web = login(admin)
    page = web.get(reverse("clients-unassigned"))
    assert [c.pk for c in page.context["charts"]] == [client_chart.pk]  # not Cole's chart
    response = web.post(
        reverse("clients-unassigned"),
        {"charts": [client_chart.pk], "primary_clinician": colleague.pk},
    )
    assert response.status_code == 302
    client_chart.refresh_from_db()
    assert client_chart.primary_clinician == colleague
    assert web.get(reverse("clients-unassigned")).context["charts"] == []


def test_the_list_refuses_an_incomplete_choice_and_changes_nothing(
    login, admin, clinician, client_chart
):
    clinician.is_active = False
    clinician.save()
    response = login(admin).post(reverse("clients-unassigned"), {"charts": [client_chart.pk]})
    assert response.status_code == 400
    assert "primary_clinician" in response.context["form"].errors
    client_chart.refresh_from_db()
    assert client_chart.primary_clinician == clinician


def test_only_admins_see_the_list(login, clinician, supervisor, client_user):
    for person in (clinician, supervisor, client_user):
        assert login(person).get(reverse("clients-unassigned")).status_code == 403
