"""Safety plans: forms and versions, required sections, client editing, access, PDFs."""

import io

import pytest
from django.urls import reverse

from tests.plans.conftest import CRISIS, OVERDOSE, as_post
from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.clinics import helplines
from waypoint.plans import actions, guide
from waypoint.plans.actions import PlanRefused
from waypoint.plans.models import SafetyPlan, SafetyPlanVersion

pytestmark = pytest.mark.django_db


def _pdf_text(body: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(body))
    return "\n".join(page.extract_text() for page in reader.pages)


# The data file


def test_every_section_and_guidance_block_has_a_source():
    for plan_guide in guide.guides().values():
        assert plan_guide.sources
        assert all(s.source for s in plan_guide.sections)
        assert all(g.source for g in plan_guide.guidance)


def test_crisis_plan_follows_the_stanley_brown_steps():
    keys = guide.guide("crisis").section_keys
    assert keys == (
        "warning_signs",
        "coping",
        "distraction",
        "help_people",
        "professionals",
        "environment",
        "reasons",
    )


def test_plan_data_holds_no_phone_numbers():
    """Numbers come from the crisis-line data only; the plans file never invents one."""
    import re

    text = guide.DATA_FILE.read_text()
    numbers = set(re.findall(r"\b\d[\d -]{6,}\d\b", text))
    assert {n for n in numbers if not n.startswith("555-")} == set()


# Staff forms and versions


def test_clinician_saves_a_plan_and_each_save_is_a_version(login, clinician, client_chart):
    web = login(clinician)
    url = reverse("plans-edit", args=[client_chart.pk, "crisis"])
    assert web.get(url).status_code == 200
    response = web.post(url, as_post(CRISIS, client_may_edit=["coping"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("plans-detail", args=[client_chart.pk, "crisis"])
    plan = SafetyPlan.objects.get(client=client_chart, kind="crisis")
    assert plan.client_may_edit == ["coping"]
    assert plan.current_version().sections()["reasons"] == ["My greyhound Pemberton"]

    changed = {**CRISIS, "reasons": ["My greyhound Pemberton", "Seeing Lisbon"]}
    assert web.post(url, as_post(changed, client_may_edit=["coping"])).status_code == 302
    assert web.post(url, as_post(changed, client_may_edit=["coping"])).status_code == 302
    numbers = list(plan.versions.order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2]  # the unchanged third save made no version

    page = web.get(reverse("plans-detail", args=[client_chart.pk, "crisis"]))
    body = page.content.decode()
    assert "Seeing Lisbon" in body
    assert "Version 1, saved" in body and "Version 2, saved" in body
    old = web.get(reverse("plans-detail", args=[client_chart.pk, "crisis"]) + "?version=1")
    assert old.status_code == 200
    assert "Seeing Lisbon" not in old.content.decode()
    assert "an earlier version" in old.content.decode()
    missing = web.get(reverse("plans-detail", args=[client_chart.pk, "crisis"]) + "?version=9")
    assert missing.status_code == 404
    events = AuditEvent.objects.filter(object_type="plans.safetyplanversion")
    assert events.filter(action=AuditAction.CREATE).count() == 2


def _said(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def test_staff_and_portal_saves_say_whether_a_version_was_made(
    login, clinician, client_user, client_chart, crisis_plan
):
    """The chart's and the portal's edit pages share one save step, each with its own words."""
    staff = login(clinician)
    url = reverse("plans-edit", args=[client_chart.pk, "crisis"])
    editable = ["coping", "reasons"]
    same = staff.post(url, as_post(CRISIS, client_may_edit=editable), follow=True)
    assert _said(same) == [("info", "Nothing in the plan changed, so no new version was made.")]
    changed = {**CRISIS, "reasons": ["Seeing Lisbon"]}
    saved = staff.post(url, as_post(changed, client_may_edit=editable), follow=True)
    assert saved.redirect_chain[-1][0] == reverse("plans-detail", args=[client_chart.pk, "crisis"])
    assert _said(saved) == [("success", "Saved as version 2.")]

    portal = login(client_user)
    edit = reverse("portal-plans-edit", args=["crisis"])
    mine = {"coping": "\n".join(CRISIS["coping"]), "reasons": "Seeing Lisbon"}
    assert _said(portal.post(edit, mine, follow=True)) == [("info", "Nothing changed.")]
    mine["reasons"] = "Seeing Lisbon\nPemberton"
    ours = portal.post(edit, mine, follow=True)
    assert ours.redirect_chain[-1][0] == reverse("portal-plans", args=["crisis"])
    assert _said(ours) == [("success", "Your plan is saved. Your care team will see it.")]
    assert crisis_plan.versions.count() == 3


def test_empty_required_sections_get_field_errors_and_save_nothing(login, clinician, client_chart):
    web = login(clinician)
    url = reverse("plans-edit", args=[client_chart.pk, "overdose"])
    data = as_post({**OVERDOSE, "naloxone": [], "who_to_call": ["  ", ""]})
    response = web.post(url, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"naloxone", "who_to_call"}
    assert "a complete plan needs this section" in form.errors["naloxone"][0]
    assert 'id="id_naloxone_error"' in response.content.decode()
    assert not SafetyPlan.objects.exists()
    assert not SafetyPlanVersion.objects.exists()


def test_too_many_or_too_long_items_are_refused(login, clinician, client_chart):
    web = login(clinician)
    url = reverse("plans-edit", args=[client_chart.pk, "crisis"])
    data = as_post({**CRISIS, "coping": ["x" * 201], "distraction": [f"p{i}" for i in range(13)]})
    response = web.post(url, data)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"coping", "distraction"}
    assert not SafetyPlanVersion.objects.exists()


def test_unknown_kind_is_404_and_detail_refuses_post(login, clinician, client_chart):
    web = login(clinician)
    assert web.get(reverse("plans-detail", args=[client_chart.pk, "diet"])).status_code == 404
    assert web.get(reverse("plans-edit", args=[client_chart.pk, "diet"])).status_code == 404
    assert web.post(reverse("plans-detail", args=[client_chart.pk, "crisis"])).status_code == 405


def test_access_follows_the_chart(
    client, login, supervisor, colleague, other_clinician, client_chart, crisis_plan
):
    detail = reverse("plans-detail", args=[client_chart.pk, "crisis"])
    edit = reverse("plans-edit", args=[client_chart.pk, "crisis"])
    anonymous = client.get(detail)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert login(supervisor).get(detail).status_code == 200  # supervises Maya: reads
    assert login(supervisor).post(edit, as_post(CRISIS)).status_code == 403
    assert login(colleague).get(detail).status_code == 404
    assert login(other_clinician).get(detail).status_code == 404
    assert (
        login(other_clinician)
        .get(reverse("plans-pdf", args=[client_chart.pk, "crisis"]))
        .status_code
        == 404
    )
    assert SafetyPlanVersion.objects.count() == 1


def test_plan_pages_show_lines_from_the_crisis_line_data(
    login, clinician, client_chart, overdose_plan, crisis_plan
):
    us = helplines.for_country("US")
    nua = next(line for line in us.shown if line.id == "us-never-use-alone")
    web = login(clinician)
    body = web.get(reverse("plans-detail", args=[client_chart.pk, "overdose"])).content.decode()
    assert f'href="tel:{nua.tel}"' in body and nua.number in body
    assert "If someone may be overdosing" in body
    assert "Binswanger" in body  # the tolerance-loss explanation carries its source
    body = web.get(reverse("plans-detail", args=[client_chart.pk, "crisis"])).content.decode()
    assert 'href="tel:988"' in body and 'href="sms:988"' in body
    assert nua.number not in body  # the crisis plan lists crisis lines, not spotting lines


# The client in the portal


def test_client_sees_both_plans_and_edits_only_the_allowed_sections(
    login, client_user, client_chart, crisis_plan, overdose_plan
):
    web = login(client_user)
    home = web.get(reverse("portal-home")).content.decode()
    assert "My safety plans" in home
    page = web.get(reverse("portal-plans", args=["crisis"]))
    assert page.status_code == 200 and "My greyhound Pemberton" in page.content.decode()
    assert reverse("portal-plans-edit", args=["crisis"]) in page.content.decode()

    edit = reverse("portal-plans-edit", args=["crisis"])
    form = web.get(edit).context["form"]
    assert set(form.fields) == {"coping", "reasons"}
    response = web.post(
        edit,
        {
            "coping": "Walk by the canal at dusk\nBake bread",
            "reasons": "My greyhound Pemberton",
            "warning_signs": "changed by the client",  # not theirs to edit: ignored
        },
    )
    assert response.status_code == 302
    version = crisis_plan.current_version()
    assert version.number == 2 and version.by_client and version.saved_by == client_user
    assert version.sections()["coping"] == ["Walk by the canal at dusk", "Bake bread"]
    assert version.sections()["warning_signs"] == CRISIS["warning_signs"]
    history = web.get(reverse("portal-plans", args=["crisis"])).content.decode()
    assert "saved" in history and "by you" in history


def test_client_cannot_edit_a_plan_without_editable_sections(login, client_user, overdose_plan):
    web = login(client_user)
    page = web.get(reverse("portal-plans", args=["overdose"])).content.decode()
    assert reverse("portal-plans-edit", args=["overdose"]) not in page
    edit = reverse("portal-plans-edit", args=["overdose"])
    assert web.get(edit).status_code == 403
    assert web.post(edit, as_post(OVERDOSE)).status_code == 403
    assert overdose_plan.versions.count() == 1


def test_client_emptying_a_required_section_saves_nothing(login, client_user, crisis_plan):
    web = login(client_user)
    response = web.post(
        reverse("portal-plans-edit", args=["crisis"]), {"coping": "", "reasons": "Pemberton"}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"coping"}
    assert crisis_plan.versions.count() == 1


def test_the_action_refuses_a_client_editing_other_sections(client_chart, client_user, crisis_plan):
    with pytest.raises(PlanRefused) as refused:
        actions.save_plan(
            client_chart,
            by=client_user,
            kind="crisis",
            items={"environment": ["nothing"]},
            by_client=True,
        )
    assert refused.value.sections == ["environment"]
    with pytest.raises(PlanRefused):
        actions.save_plan(
            client_chart,
            by=client_user,
            kind="crisis",
            items={},
            by_client=True,
            client_may_edit=["coping"],
        )
    assert crisis_plan.versions.count() == 1


def test_portal_without_a_plan_says_so_and_staff_cannot_use_the_portal(
    login, client_user, clinician
):
    web = login(client_user)
    page = web.get(reverse("portal-plans", args=["crisis"]))
    assert page.status_code == 200
    assert "Your care team can make this plan with you" in page.content.decode()
    assert web.get(reverse("portal-plans-edit", args=["crisis"])).status_code == 403
    assert web.get(reverse("portal-plans-pdf", args=["crisis"])).status_code == 404
    assert login(clinician).get(reverse("portal-plans", args=["crisis"])).status_code == 403


# PDFs


def test_staff_pdf_is_one_page_with_the_plan_and_is_audited(
    login, clinician, client_chart, overdose_plan
):
    response = login(clinician).get(reverse("plans-pdf", args=[client_chart.pk, "overdose"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"%PDF")
    text = _pdf_text(body)
    assert "Narcan in the teal backpack" in text
    assert "1-800-484-3731" in text  # Never Use Alone, from the crisis-line data
    pypdf = pytest.importorskip("pypdf")
    assert len(pypdf.PdfReader(io.BytesIO(body)).pages) == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.PRINT, object_type="plans.safetyplanversion"
    ).exists()


def test_portal_pdf_of_the_crisis_plan(login, client_user, crisis_plan):
    response = login(client_user).get(reverse("portal-plans-pdf", args=["crisis"]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert "My crisis plan" in text
    assert "My greyhound Pemberton" in text and "988" in text
    pypdf = pytest.importorskip("pypdf")
    assert len(pypdf.PdfReader(io.BytesIO(response.content)).pages) == 1


# Panels


def test_chart_panel_shows_both_plans(login, clinician, client_chart, crisis_plan):
    body = login(clinician).get(client_chart.get_absolute_url()).content.decode()
    assert "Safety plans" in body
    assert reverse("plans-detail", args=[client_chart.pk, "crisis"]) in body
    assert "Overdose prevention plan" in body and "not made yet" in body


def test_chart_panel_queries_do_not_grow_with_versions(
    client_chart, clinician, crisis_plan, django_assert_num_queries, rf
):
    from waypoint.plans.panels import chart_panel

    class Access:
        client = client_chart
        can_write = True

    with django_assert_num_queries(2):
        chart_panel(rf.get("/"), Access())
    for n in range(5):
        actions.save_plan(
            client_chart, by=clinician, kind="crisis", items={"coping": [f"walk {n}"]}
        )
    with django_assert_num_queries(2):
        panel = chart_panel(rf.get("/"), Access())
    assert panel.context["plans"][1][3].number == 6
