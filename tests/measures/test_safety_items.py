"""Safety items (PHQ-9 item 9): acted on as soon as they are answered, even on a form that is
refused because another item is blank, and alerted once.

Domain rule (docs/measures.md; PHQ-9 instruction manual, Kroenke et al. 2001): any answer above 0
on item 9 raises an urgent clinician alert and shows the client crisis lines, whatever the total.
Missing items: refuse submission until every item is answered (the manual gives no prorating).
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from waypoint.clients.models import Alert
from waypoint.measures import actions, instruments
from waypoint.measures.forms import SAFETY_FIELD
from waypoint.measures.models import Administration, AdministrationStatus
from waypoint.measures.scoring import safety_flags

pytestmark = pytest.mark.django_db

# Items 1-8 "Several days" (1 each), item 9 "Several days" (1): total 9 when complete.
COMPLETE = {f"item_q{n}": "1" for n in range(1, 10)}
ITEM3_BLANK = {key: value for key, value in COMPLETE.items() if key != "item_q3"}
CRISIS = "Thank you for telling us"


def test_safety_flags_read_an_incomplete_set_of_answers():
    phq9 = instruments.get("phq-9")
    assert [f.id for f in safety_flags(phq9, [None, None, None, 0, 0, 0, 0, 0, 1])] == [
        "phq9_item9"
    ]
    assert safety_flags(phq9, [None, None, None, 0, 0, 0, 0, 0, 0]) == ()
    assert safety_flags(phq9, [None] * 9) == ()
    assert safety_flags(phq9, [0] * 8 + [99]) == ()  # not an option: the form reports it
    assert safety_flags(instruments.get("gad-7"), [3] * 7) == ()


def test_portal_item9_with_a_blank_item_alerts_now_and_still_asks(
    login, client_user, client_chart, clinician
):
    assigned = actions.assign(client_chart, by=clinician, instrument_id="phq-9")
    web = login(client_user)
    url = reverse("portal-measure", args=[assigned.pk])

    response = web.post(url, ITEM3_BLANK)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose an answer." in html  # the blank item is still asked for
    assert CRISIS in html and "988" in html  # the crisis card, at once
    assigned.refresh_from_db()
    assert assigned.status == AdministrationStatus.ASSIGNED  # the answers are not saved
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity, alert.client) == ("phq9_item9", "urgent", client_chart)
    assert alert.source_id == str(assigned.pk)
    assert "not yet complete (item(s) 3 blank)" in alert.detail
    token = response.context["form"].data[SAFETY_FIELD]
    assert f'name="{SAFETY_FIELD}" value="{token}"' in html

    # Still incomplete: no second alert.
    response = web.post(url, ITEM3_BLANK | {SAFETY_FIELD: token})
    assert response.status_code == 400 and Alert.objects.count() == 1
    token = response.context["form"].data[SAFETY_FIELD]

    # Completed: saved and scored, and the alert is not raised again.
    response = web.post(url, COMPLETE | {SAFETY_FIELD: token})
    assert response["Location"] == reverse("portal-measure-done", args=[assigned.pk])
    assigned.refresh_from_db()
    assert (assigned.status, assigned.total, assigned.flags) == (
        AdministrationStatus.COMPLETED,
        9,
        ["phq9_item9"],
    )
    assert Alert.objects.count() == 1
    assert CRISIS in web.get(response["Location"]).content.decode()


def test_portal_blank_item_without_a_safety_answer_raises_nothing(
    login, client_user, client_chart, clinician
):
    assigned = actions.assign(client_chart, by=clinician, instrument_id="phq-9")
    web = login(client_user)
    response = web.post(
        reverse("portal-measure", args=[assigned.pk]), ITEM3_BLANK | {"item_q9": "0"}
    )
    assert response.status_code == 400
    assert CRISIS not in response.content.decode()
    assert not Alert.objects.exists()


def test_a_forged_or_foreign_note_does_not_silence_the_alert(
    login, client_user, client_chart, clinician
):
    first = actions.assign(client_chart, by=clinician, instrument_id="phq-9")
    web = login(client_user)
    response = web.post(reverse("portal-measure", args=[first.pk]), ITEM3_BLANK)
    token = response.context["form"].data[SAFETY_FIELD]
    actions.cancel_assignment(first, by=clinician)
    second = actions.assign(client_chart, by=clinician, instrument_id="phq-9")
    url = reverse("portal-measure", args=[second.pk])
    # The first form's note names another administration; a made-up one is not signed.
    web.post(url, COMPLETE | {SAFETY_FIELD: token})
    assert Alert.objects.count() == 2
    third = actions.assign(client_chart, by=clinician, instrument_id="phq-9")
    web.post(reverse("portal-measure", args=[third.pk]), COMPLETE | {SAFETY_FIELD: "x:phq9_item9"})
    assert Alert.objects.count() == 3


def test_staff_entry_item9_with_a_blank_item_alerts_once(login, clinician, client_chart):
    web = login(clinician)
    url = reverse("measures-record", args=[client_chart.pk, "phq-9"])
    today = {"administered_on": client_chart.organization.today().isoformat()}

    response = web.post(url, ITEM3_BLANK | today)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose an answer." in html
    assert "Safety alert raised for the care team" in html
    # Staff see the lines to offer, in words for staff rather than the client's card.
    assert "Crisis lines to offer" in html and "988" in html and CRISIS not in html
    assert not Administration.objects.exists()
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == ("phq9_item9", "urgent")
    assert alert.detail.startswith("PHQ-9: item9: \u201cSeveral days\u201d; not yet complete")
    token = response.context["form"].data[SAFETY_FIELD]

    response = web.post(url, COMPLETE | today | {SAFETY_FIELD: token})
    administration = Administration.objects.get()
    assert response["Location"] == administration.get_absolute_url()
    assert administration.flags == ["phq9_item9"]
    assert Alert.objects.count() == 1


def test_staff_entry_complete_at_once_alerts_once(login, clinician, client_chart):
    web = login(clinician)
    url = reverse("measures-record", args=[client_chart.pk, "phq-9"])
    web.post(url, COMPLETE | {"administered_on": timezone.localdate().isoformat()})
    assert Alert.objects.count() == 1
    assert Alert.objects.get().source_id == str(Administration.objects.get().pk)


def test_another_clinicians_note_does_not_carry_over(login, clinician, admin, client_chart):
    url = reverse("measures-record", args=[client_chart.pk, "phq-9"])
    today = {"administered_on": timezone.localdate().isoformat()}
    response = login(clinician).post(url, ITEM3_BLANK | today)
    token = response.context["form"].data[SAFETY_FIELD]
    login(admin).post(url, COMPLETE | today | {SAFETY_FIELD: token})
    assert Alert.objects.count() == 2
