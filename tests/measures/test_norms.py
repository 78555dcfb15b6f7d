"""An organization's own norms for reliable change: the admin pages, the audit trail, and the
history page using and naming them (Jacobson & Truax 1991: SE = SD x sqrt(1 - r),
S_diff = sqrt(2) x SE, RCI = change / S_diff, |RCI| > 1.96 reliable)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from waypoint.accounts.roles import Role
from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.measures import actions
from waypoint.measures.models import MeasureNorm

pytestmark = pytest.mark.django_db

NORM_POST = {"sd": "6.0", "reliability": "0.80", "source_note": "Our intake PHQ-9s, 2025 (n=212)"}


@pytest.fixture
def other_admin(make_user, other_clinic):
    return make_user("oona@other.test", other_clinic, Role.ADMIN, "Oona Admin")


@pytest.fixture
def other_norm(other_clinic, other_admin):
    return actions.set_measure_norm(
        other_clinic,
        by=other_admin,
        instrument_id="phq-9",
        sd=Decimal("7"),
        reliability=Decimal("0.9"),
        source_note="Other Clinic intake",
    )


def test_admin_enters_norms_and_it_is_audited(login, admin, clinic):
    web = login(admin)
    assert web.get(reverse("measures-norms")).status_code == 200
    url = reverse("measures-norms-edit", args=["phq-9"])
    assert web.get(url).status_code == 200
    response = web.post(url, NORM_POST)
    assert response["Location"] == reverse("measures-norms")
    norm = MeasureNorm.objects.get()
    assert (norm.organization, norm.instrument_id, norm.sd, norm.reliability) == (
        clinic,
        "phq-9",
        Decimal("6.00"),
        Decimal("0.800"),
    )
    assert norm.entered_by == admin
    event = AuditEvent.objects.get(object_type="measures.measurenorm")
    assert (event.action, event.organization_id, event.detail["instrument"]) == (
        AuditAction.CREATE,
        clinic.pk,
        "phq-9",
    )
    listing = web.get(reverse("measures-norms")).content.decode()
    assert "Our intake PHQ-9s, 2025 (n=212)" in listing and "entered by Ada Admin" in listing
    # Changing it again is a CHANGE, on the same row.
    web.post(url, NORM_POST | {"sd": "6.5"})
    assert MeasureNorm.objects.get().sd == Decimal("6.50")
    assert AuditEvent.objects.filter(
        object_type="measures.measurenorm", action=AuditAction.CHANGE
    ).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sd": "0"}, "sd"),
        ({"sd": "-2"}, "sd"),
        ({"reliability": "1"}, "reliability"),
        ({"reliability": "0"}, "reliability"),
        ({"reliability": "ninety"}, "reliability"),
        ({"source_note": " "}, "source_note"),
    ],
)
def test_bad_norms_are_field_errors_and_nothing_changes(login, admin, change, field):
    response = login(admin).post(reverse("measures-norms-edit", args=["phq-9"]), NORM_POST | change)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not MeasureNorm.objects.exists()


def test_instruments_without_a_total_have_no_norms_page(login, admin):
    web = login(admin)
    assert web.get(reverse("measures-norms-edit", args=["socrates-8a"])).status_code == 404
    assert web.get(reverse("measures-norms-edit", args=["nope"])).status_code == 404


def test_norm_pages_are_for_admins_only(login, clinician, supervisor, client_user, admin):
    urls = [reverse("measures-norms"), reverse("measures-norms-edit", args=["phq-9"])]
    for user, status in ((admin, 200), (clinician, 403), (supervisor, 403), (client_user, 403)):
        web = login(user)
        for url in urls:
            assert web.get(url).status_code == status, (user, url)
    login(clinician).post(urls[1], NORM_POST)
    assert not MeasureNorm.objects.exists()


def test_another_organizations_norms_are_404(login, admin, other_norm):
    response = login(admin).post(reverse("measures-norms-remove", args=[other_norm.pk]))
    assert response.status_code == 404
    assert MeasureNorm.objects.filter(pk=other_norm.pk).exists()
    listing = login(admin).get(reverse("measures-norms")).content.decode()
    assert "Other Clinic intake" not in listing


def test_wrong_methods(login, admin, other_norm):
    web = login(admin)
    assert web.post(reverse("measures-norms")).status_code == 405
    assert web.get(reverse("measures-norms-remove", args=[other_norm.pk])).status_code == 405


def test_history_uses_and_names_the_organizations_norms(
    login, admin, clinician, clinic, client_chart, phq9
):
    phq9([2, 2, 2, 2, 2, 2, 2, 2, 0], days=60)  # 16
    phq9([1, 1, 1, 1, 1, 1, 1, 1, 0], days=30)  # 8
    url = reverse("measures-history", args=[client_chart.pk, "phq-9"])
    web = login(clinician)
    html = web.get(url).content.decode()
    # File norms: S_diff = sqrt(2) x 5.5 x sqrt(0.11) = 2.5797; 16 -> 8: RCI = -8 / 2.5797.
    assert "Norms used:</strong> NHS Talking Therapies intake sample, SD 5.5, \u03b1 0.89" in html
    assert "-3.10" in html
    # The organization's own: SD 6, r 0.8: S_diff = sqrt(2) x 6 x sqrt(0.2) = 3.7947;
    # RCI = -8 / 3.7947 = -2.11, still reliable; the smallest reliable change is 8 points
    # (1.96 x 3.7947 = 7.44).
    actions.set_measure_norm(
        clinic,
        by=admin,
        instrument_id="phq-9",
        sd=Decimal("6"),
        reliability=Decimal("0.8"),
        source_note="Our intake",
    )
    html = web.get(url).content.decode()
    assert "this organization&#x27;s norms, entered by Ada Admin on " in html
    assert "SD 6, \u03b1 0.8" in html and "-2.11" in html and "8 points or more" in html
    assert "NHS Talking Therapies intake sample" not in html


def test_another_organizations_norms_do_not_apply(login, clinician, client_chart, phq9, other_norm):
    phq9([2, 2, 2, 2, 2, 2, 2, 2, 0], days=60)
    phq9([1, 1, 1, 1, 1, 1, 1, 1, 0], days=30)
    html = (
        login(clinician)
        .get(reverse("measures-history", args=[client_chart.pk, "phq-9"]))
        .content.decode()
    )
    assert "NHS Talking Therapies intake sample" in html and "-3.10" in html


def test_audit_history_shows_raw_change_with_the_reason_and_org_norms_add_the_rci(
    login, admin, clinician, clinic, client_chart
):
    for answers in ([4, 4, 4, 2, 0, 0, 0, 0, 0, 0], [2, 1, 1, 0, 0, 0, 0, 0, 0, 0]):
        actions.record_administration(
            client_chart, by=clinician, instrument_id="audit", answers=answers
        )
    url = reverse("measures-history", args=[client_chart.pk, "audit"])
    web = login(clinician)
    html = web.get(url).content.decode()
    assert "Raw change only" in html and "No treatment-seeking intake SD" in html
    assert "-10" in html  # 14 -> 4
    actions.set_measure_norm(
        clinic,
        by=admin,
        instrument_id="audit",
        sd=Decimal("8"),
        reliability=Decimal("0.8"),
        source_note="Our intake AUDITs",
    )
    html = web.get(url).content.decode()
    assert "Raw change only" not in html and "this organization&#x27;s norms" in html


def test_removing_norms_goes_back_to_the_default_and_is_audited(login, admin, clinic):
    norm = actions.set_measure_norm(
        clinic,
        by=admin,
        instrument_id="gad-7",
        sd=Decimal("5"),
        reliability=Decimal("0.9"),
        source_note="x",
    )
    response = login(admin).post(reverse("measures-norms-remove", args=[norm.pk]))
    assert response["Location"] == reverse("measures-norms")
    assert not MeasureNorm.objects.exists()
    assert AuditEvent.objects.filter(
        object_type="measures.measurenorm", action=AuditAction.DELETE, object_id=str(norm.pk)
    ).exists()
