"""Diary pages: happy paths, who may see them, bad input, the portal check-in and TLFB."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from waypoint.diary import actions
from waypoint.diary.models import AnchorEvent, DiaryEntry, WeekRollup

pytestmark = pytest.mark.django_db


def _staff_urls(chart, entry=None):
    urls = [
        reverse("diary-list", args=[chart.pk]),
        reverse("diary-add", args=[chart.pk]),
        reverse("diary-tlfb", args=[chart.pk]),
    ]
    if entry is not None:
        urls.append(reverse("diary-edit", args=[chart.pk, entry.pk]))
    return urls


@pytest.fixture
def entry(client_chart, clinician):
    return actions.add_entry(
        client_chart,
        by=clinician,
        source="clinician",
        day=client_chart.organization.today(),
        substance="alcohol",
        amount=Decimal(2),
        unit="drinks",
    )


def test_staff_pages_render(login, clinician, client_chart, entry):
    web = login(clinician)
    for url in _staff_urls(client_chart, entry) + [
        reverse("diary-tlfb", args=[client_chart.pk]) + "?days=90&add=cannabis",
        reverse("diary-list", args=[client_chart.pk]) + "?days=90",
        reverse("diary-report"),
        reverse("diary-report") + "?weeks=52",
        reverse("clients-detail", args=[client_chart.pk]) + "?outcomes=90",
        reverse("caseload"),
    ]:
        response = web.get(url)
        assert response.status_code == 200, url


def test_anonymous_is_sent_to_sign_in(client, client_chart):
    for url in _staff_urls(client_chart) + [
        reverse("diary-report"),
        reverse("diary-checkin"),
        reverse("diary-week"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url


def test_other_organization_and_colleague_get_404(
    login, other_clinician, colleague, client_chart, entry
):
    for user in (other_clinician, colleague):
        web = login(user)
        for url in _staff_urls(client_chart, entry):
            assert web.get(url).status_code == 404, (user, url)
        response = web.post(reverse("diary-delete", args=[client_chart.pk, entry.pk]))
        assert response.status_code == 404
    assert DiaryEntry.objects.filter(pk=entry.pk).exists()


def test_supervisor_reads_but_cannot_write(login, supervisor, client_chart, entry):
    web = login(supervisor)
    assert web.get(reverse("diary-list", args=[client_chart.pk])).status_code == 200
    assert web.get(reverse("diary-add", args=[client_chart.pk])).status_code == 403
    response = web.post(reverse("diary-delete", args=[client_chart.pk, entry.pk]))
    assert response.status_code == 403


def test_portal_user_cannot_reach_staff_pages(login, client_user, client_chart):
    web = login(client_user)
    for url in _staff_urls(client_chart) + [reverse("diary-report")]:
        assert web.get(url).status_code == 403, url


def test_staff_cannot_use_the_portal_pages(login, clinician):
    web = login(clinician)
    assert web.get(reverse("diary-checkin")).status_code == 403
    assert web.post(reverse("diary-portal-no-use"), {"day": "2026-01-01"}).status_code == 403


def test_wrong_methods(login, clinician, client_chart, entry):
    web = login(clinician)
    assert web.put(reverse("diary-delete", args=[client_chart.pk, entry.pk])).status_code == 405
    assert web.get(reverse("diary-no-use", args=[client_chart.pk])).status_code == 405
    assert web.post(reverse("diary-list", args=[client_chart.pk])).status_code == 405
    assert web.post(reverse("diary-report")).status_code == 405


def test_clinician_adds_an_entry_and_sees_the_conversion(login, clinician, client_chart):
    web = login(clinician)
    today = client_chart.organization.today()
    response = web.post(
        reverse("diary-add", args=[client_chart.pk]),
        {
            "day": today.isoformat(),
            "substance": "alcohol",
            "unit": "beverage",
            "beverage": "beer",
            "amount": "2",
            "mood": "6",
            "money_spent": "12.50",
            "setting_where": "at home",
        },
        follow=True,
    )
    assert response.status_code == 200
    entry = DiaryEntry.objects.get(client=client_chart)
    assert entry.alcohol_grams == pytest.approx(2 * 355 * 0.05 * 0.789)
    assert entry.setting_where == "at home" and entry.source == "clinician"
    assert "2.0 US standard drinks" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"day": "2099-01-01", "substance": "alcohol", "amount": "2"}, "day"),
        ({"substance": "alcohol", "amount": "-1"}, "amount"),
        ({"substance": "alcohol", "unit": "beverage", "volume": "355ml", "abv": "120"}, "abv"),
        ({"substance": "alcohol", "unit": "beverage", "volume": "90 l", "abv": "5"}, "volume"),
        ({"substance": "alcohol", "unit": "beverage", "volume": "a lot", "abv": "5"}, "volume"),
        ({"substance": "alcohol", "unit": "joints", "amount": "1"}, "unit"),
        ({"substance": "cannabis", "unit": "drinks", "amount": "1"}, "unit"),
        ({"substance": "alcohol", "amount": "0"}, "amount"),
        ({"substance": "cannabis", "amount": "1", "money_spent": "-4"}, "money_spent"),
        ({"substance": "cannabis", "amount": "1", "mood": "11"}, "mood"),
        ({"substance": "", "amount": "1"}, "substance"),
    ],
)
def test_bad_entries_show_field_errors_and_save_nothing(
    login, clinician, client_chart, data, field
):
    web = login(clinician)
    data = {"day": client_chart.organization.today().isoformat(), **data}
    response = web.post(reverse("diary-add", args=[client_chart.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not DiaryEntry.objects.exists()
    assert not WeekRollup.objects.exists()


def test_edit_and_delete(login, clinician, client_chart, entry):
    web = login(clinician)
    response = web.post(
        reverse("diary-edit", args=[client_chart.pk, entry.pk]),
        {"day": entry.day.isoformat(), "substance": "alcohol", "unit": "drinks", "amount": "4"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.alcohol_grams == 56.0
    assert entry.history.count() == 2
    web.post(reverse("diary-delete", args=[client_chart.pk, entry.pk]))
    assert not DiaryEntry.objects.exists() and not WeekRollup.objects.exists()


def test_no_use_from_the_staff_diary(login, clinician, client_chart):
    web = login(clinician)
    day = client_chart.organization.today() - datetime.timedelta(days=3)
    web.post(reverse("diary-no-use", args=[client_chart.pk]), {"day": day.isoformat()})
    assert DiaryEntry.objects.get(client=client_chart).kind == "no_use"
    web.post(reverse("diary-no-use", args=[client_chart.pk]), {"day": "2099-01-01"})
    assert DiaryEntry.objects.count() == 1


def test_portal_check_in_no_use_is_one_tap(login, client_user, client_chart):
    web = login(client_user)
    home = web.get(reverse("portal-home")).content.decode()
    assert 'id="checkin-no-use"' in home
    response = web.post(
        reverse("diary-portal-no-use"), {"day": client_chart.organization.today().isoformat()}
    )
    assert response.status_code == 302
    entry = DiaryEntry.objects.get(client=client_chart)
    assert (entry.kind, entry.source, entry.entered_by) == ("no_use", "client", client_user)


def test_portal_check_in_with_use(login, client_user, client_chart):
    web = login(client_user)
    assert web.get(reverse("diary-checkin")).status_code == 200
    today = client_chart.organization.today()
    response = web.post(
        reverse("diary-checkin"),
        {
            "day": today.isoformat(),
            "substance": "cannabis",
            "amount": "1",
            "urge": "4",
            "practices": ["eat_hydrate"],
        },
    )
    assert response.status_code == 302
    entry = DiaryEntry.objects.get(client=client_chart)
    assert (entry.substance, entry.unit, entry.urge, entry.practices) == (
        "cannabis",
        "joints",
        4,
        ["eat_hydrate"],
    )
    week = web.get(reverse("diary-week") + f"?start={today.isoformat()}")
    assert week.status_code == 200 and "Cannabis" in week.content.decode()


def test_portal_future_day_is_refused(login, client_user, client_chart):
    web = login(client_user)
    response = web.post(
        reverse("diary-checkin"), {"day": "2099-05-01", "substance": "cannabis", "amount": "1"}
    )
    assert response.status_code == 400
    assert "day" in response.context["form"].errors
    assert "in the future" in response.content.decode()
    assert not DiaryEntry.objects.exists()


def test_portal_client_deletes_only_own_entries(login, client_user, client_chart, entry):
    web = login(client_user)
    assert web.post(reverse("diary-portal-delete", args=[entry.pk])).status_code == 404
    own = actions.record_no_use(
        client_chart,
        by=client_user,
        source="client",
        day=client_chart.organization.today() - datetime.timedelta(days=1),
    )
    assert web.post(reverse("diary-portal-delete", args=[own.pk])).status_code == 302
    assert not DiaryEntry.objects.filter(pk=own.pk).exists()


def test_remove_asks_first_and_keeps_the_entry_until_confirmed(
    login, clinician, client_user, client_chart, entry
):
    """Issue #10: "Remove" opens a question; only its POST removes (staff and portal)."""
    staff = login(clinician)
    url = reverse("diary-delete", args=[client_chart.pk, entry.pk])
    page = staff.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Remove this entry?" in body and "Keep it" in body
    assert 'href="' + reverse("diary-list", args=[client_chart.pk]) + '"' in body
    assert DiaryEntry.objects.filter(pk=entry.pk).exists()
    list_page = staff.get(reverse("diary-list", args=[client_chart.pk])).content.decode()
    assert f'href="{url}"' in list_page  # the list links to the question, not a one-tap POST

    own = actions.record_no_use(
        client_chart,
        by=client_user,
        source="client",
        day=client_chart.organization.today() - datetime.timedelta(days=2),
    )
    portal = login(client_user)
    portal_url = reverse("diary-portal-delete", args=[own.pk])
    asked = portal.get(portal_url)
    assert asked.status_code == 200 and "Remove this entry?" in asked.content.decode()
    assert DiaryEntry.objects.filter(pk=own.pk).exists()
    assert portal.post(portal_url).status_code == 302
    assert not DiaryEntry.objects.filter(pk=own.pk).exists()


def test_timeline_followback_submission(login, clinician, client_chart):
    web = login(clinician)
    today = client_chart.organization.today()
    live_day = today - datetime.timedelta(days=2)
    actions.add_entry(
        client_chart,
        by=clinician,
        source="client",
        day=live_day,
        substance="alcohol",
        amount=Decimal(1),
        unit="drinks",
    )
    d1, d2 = today - datetime.timedelta(days=5), today - datetime.timedelta(days=4)
    data = {
        "days": "30",
        "substances": ["alcohol", "cannabis"],
        "unit-alcohol": "drinks",
        "unit-cannabis": "joints",
        f"c-alcohol-{d1.isoformat()}": "5",
        f"c-cannabis-{d1.isoformat()}": "2",
        f"c-alcohol-{d2.isoformat()}": "0",
        f"c-alcohol-{live_day.isoformat()}": "9",  # a live day: left alone, and said so
    }
    response = web.post(reverse("diary-tlfb", args=[client_chart.pk]), data, follow=True)
    assert response.status_code == 200
    assert "left as they were" in response.content.decode()
    tlfb = DiaryEntry.objects.filter(client=client_chart, source="tlfb")
    assert sorted((e.day, e.kind, e.substance) for e in tlfb) == [
        (d1, "use", "alcohol"),
        (d1, "use", "cannabis"),
        (d2, "no_use", ""),
    ]
    assert DiaryEntry.objects.get(client=client_chart, day=live_day).alcohol_grams == 14.0
    grid = web.get(reverse("diary-tlfb", args=[client_chart.pk]))
    assert f'id="c-alcohol-{d1.isoformat()}"' in grid.content.decode()
    assert 'value="5"' in grid.content.decode()


def test_timeline_followback_bad_cells_save_nothing(login, clinician, client_chart):
    web = login(clinician)
    day = client_chart.organization.today() - datetime.timedelta(days=1)
    response = web.post(
        reverse("diary-tlfb", args=[client_chart.pk]),
        {
            "days": "30",
            f"c-alcohol-{day.isoformat()}": "-2",
            f"c-alcohol-{(day - datetime.timedelta(days=1)).isoformat()}": "3",
        },
    )
    assert response.status_code == 400
    assert "cannot be negative" in response.content.decode()
    assert 'value="3"' in response.content.decode()  # what was typed is kept
    assert not DiaryEntry.objects.exists()


def test_anchor_events(login, clinician, client_chart):
    web = login(clinician)
    today = client_chart.organization.today()
    web.post(
        reverse("diary-anchor-add", args=[client_chart.pk]),
        {
            "day": (today - datetime.timedelta(days=14)).isoformat(),
            "kind": "payday",
            "label": "Payday",
            "repeats": "fortnightly",
        },
    )
    event = AnchorEvent.objects.get(client=client_chart)
    grid = web.get(reverse("diary-tlfb", args=[client_chart.pk])).content.decode()
    assert grid.count("★ Payday") >= 2
    web.post(reverse("diary-anchor-delete", args=[client_chart.pk, event.pk]))
    assert not AnchorEvent.objects.exists()


def test_report_lists_only_visible_charts(
    login, clinician, client_chart, colleague_chart, other_chart, entry
):
    body = login(clinician).get(reverse("diary-report")).content.decode()
    assert "C-001" in body and "C-002" not in body and "O-001" not in body


def test_diary_settings_admin_only(login, admin, clinician, clinic):
    assert login(clinician).get(reverse("diary-settings")).status_code == 403
    web = login(admin)
    assert web.get(reverse("diary-settings")).status_code == 200
    response = web.post(reverse("diary-settings"), {"country": "XX"})
    assert response.status_code == 200 and response.context["form"].errors
    web.post(reverse("diary-settings"), {"country": "UK"})
    clinic.diary_settings.refresh_from_db()
    assert clinic.diary_settings.country == "UK"
