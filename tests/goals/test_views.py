"""Goal pages: recording the person's choice, never a default, history, access."""

import datetime

import pytest
from django.urls import reverse

from waypoint.goals import actions
from waypoint.goals.forms import GoalForm
from waypoint.goals.models import Goal

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 2, 2)


@pytest.fixture
def goal(client_chart, clinician):
    return actions.choose_goal(
        client_chart,
        by=clinician,
        substance="alcohol",
        kind="moderation",
        started_on=START,
        chosen_by_client=True,
        limit_unit="drinks",
        max_per_day=3,
    )


def test_no_goal_type_is_ever_preselected():
    form = GoalForm()
    assert form.fields["kind"].initial is None
    assert form["kind"].value() is None
    assert "checked" not in str(form["kind"])
    # No abstinence default hides in the model either.
    assert (
        Goal._meta.get_field("kind").default is not None
        and not Goal._meta.get_field("kind").has_default()
    )


def test_pages_render(login, clinician, client_chart, goal):
    web = login(clinician)
    for url in [
        reverse("goals-list", args=[client_chart.pk]),
        reverse("goals-add", args=[client_chart.pk]),
        reverse("goals-add", args=[client_chart.pk]) + "?substance=alcohol",
        reverse("goals-edit", args=[client_chart.pk, goal.pk]),
    ]:
        assert web.get(url).status_code == 200, url


def test_record_a_safer_use_goal(login, clinician, client_chart):
    web = login(clinician)
    response = web.post(
        reverse("goals-add", args=[client_chart.pk]),
        {
            "substance": "opioids",
            "kind": "safer_use",
            "chosen_by_client": "on",
            "started_on": START.isoformat(),
            "practices": ["naloxone", "test_strips", "never_alone"],
            "in_own_words": "I want to be around for my kid",
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get(client=client_chart)
    assert goal.practices == ["naloxone", "test_strips", "never_alone"]
    assert goal.recorded_by == clinician and goal.chosen_by_client
    assert goal.in_own_words == "I want to be around for my kid"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"substance": "alcohol", "started_on": START.isoformat(), "chosen_by_client": "on"},
            "kind",
        ),
        (
            {"substance": "alcohol", "kind": "abstinence", "started_on": START.isoformat()},
            "chosen_by_client",
        ),
        (
            {
                "substance": "opioids",
                "kind": "safer_use",
                "chosen_by_client": "on",
                "started_on": START.isoformat(),
            },
            "practices",
        ),
        (
            {
                "substance": "alcohol",
                "kind": "moderation",
                "chosen_by_client": "on",
                "started_on": START.isoformat(),
            },
            "max_per_day",
        ),
        (
            {
                "substance": "alcohol",
                "kind": "moderation",
                "chosen_by_client": "on",
                "started_on": START.isoformat(),
                "max_per_day": "-2",
                "limit_unit": "drinks",
            },
            "max_per_day",
        ),
        (
            {
                "substance": "alcohol",
                "kind": "moderation",
                "chosen_by_client": "on",
                "started_on": START.isoformat(),
                "max_per_day": "2",
                "limit_unit": "joints",
            },
            "limit_unit",
        ),
        (
            {
                "substance": "alcohol",
                "kind": "moderation",
                "chosen_by_client": "on",
                "started_on": START.isoformat(),
                "max_use_days_per_week": "9",
            },
            "max_use_days_per_week",
        ),
        (
            {
                "substance": "alcohol",
                "kind": "no_change",
                "chosen_by_client": "on",
                "started_on": START.isoformat(),
                "review_on": "2026-01-01",
            },
            "review_on",
        ),
    ],
)
def test_bad_goal_shows_errors_and_saves_nothing(login, clinician, client_chart, data, field):
    response = login(clinician).post(reverse("goals-add", args=[client_chart.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Goal.objects.exists()


def test_new_choice_keeps_the_old_goal_in_the_timeline(login, clinician, client_chart, goal):
    web = login(clinician)
    web.post(
        reverse("goals-add", args=[client_chart.pk]),
        {
            "substance": "alcohol",
            "kind": "abstinence",
            "chosen_by_client": "on",
            "started_on": (START + datetime.timedelta(days=30)).isoformat(),
        },
    )
    page = web.get(reverse("goals-list", args=[client_chart.pk]))
    timeline = page.context["timelines"][0]
    assert [d.goal.kind for d in timeline.decisions] == ["moderation", "abstinence"]
    assert timeline.current.kind == "abstinence"
    body = page.content.decode()
    assert "fail" not in body.lower() and "relapse" not in body.lower()


def test_a_new_goal_cannot_start_before_the_current_one(login, clinician, client_chart, goal):
    response = login(clinician).post(
        reverse("goals-add", args=[client_chart.pk]),
        {
            "substance": "alcohol",
            "kind": "abstinence",
            "chosen_by_client": "on",
            "started_on": (START - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200 and "started_on" in response.context["form"].errors
    assert Goal.objects.count() == 1


def test_edit_keeps_history(login, clinician, client_chart, goal):
    web = login(clinician)
    response = web.post(
        reverse("goals-edit", args=[client_chart.pk, goal.pk]),
        {"limit_unit": "drinks", "max_per_day": "2", "review_on": "2026-05-01"},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.max_per_day == 2
    assert goal.history.count() == 2
    timeline = web.get(reverse("goals-list", args=[client_chart.pk])).context["timelines"][0]
    assert timeline.decisions[0].edits


def test_access(
    login, client, colleague, other_clinician, supervisor, client_user, client_chart, goal
):
    urls = [
        reverse("goals-list", args=[client_chart.pk]),
        reverse("goals-add", args=[client_chart.pk]),
        reverse("goals-edit", args=[client_chart.pk, goal.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    for user in (colleague, other_clinician):
        web = login(user)
        for url in urls:
            assert web.get(url).status_code == 404
    web = login(supervisor)
    assert web.get(urls[0]).status_code == 200
    assert web.get(urls[1]).status_code == 403
    web = login(client_user)
    assert all(web.get(url).status_code == 403 for url in urls)
    assert login(client_user).post(reverse("goals-list", args=[client_chart.pk])).status_code == 405


def test_portal_shows_the_persons_goals(login, client_user, goal):
    body = login(client_user).get(reverse("portal-home")).content.decode()
    assert "My goals" in body and "Moderation" in body


def test_goal_form_says_situations_with_no_use_are_not_counted(login, clinician, client_chart):
    """The diary records where and with whom as free text, not the situation of each use, so a
    moderation goal's "situations with no use" cannot be checked: the form says so plainly."""
    page = login(clinician).get(reverse("goals-add", args=[client_chart.pk])).content.decode()
    assert "not counted in days within plan" in page


def test_limits_that_contradict_each_other_are_refused(login, clinician, client_chart):
    response = login(clinician).post(
        reverse("goals-add", args=[client_chart.pk]),
        {
            "substance": "alcohol",
            "kind": "moderation",
            "chosen_by_client": "on",
            "started_on": START.isoformat(),
            "limit_unit": "drinks",
            "max_per_occasion": "10",
            "max_per_day": "2",
        },
    )
    assert response.context["form"].errors["max_per_occasion"] == [
        "The most per occasion (10) is more than the most per day (2); an occasion is part of "
        "a day. Lower one of them."
    ]
    assert not Goal.objects.exists()


def test_chart_flags_a_review_date_that_has_passed(login, clinician, client_chart, goal):
    chart = reverse("clients-detail", args=[client_chart.pk])
    today = client_chart.organization.today()
    goal.review_on = today
    actions.update_goal(goal, by=clinician, changed_fields=["review_on"])
    assert "review date passed" not in login(clinician).get(chart).content.decode()
    goal.review_on = today - datetime.timedelta(days=1)
    actions.update_goal(goal, by=clinician, changed_fields=["review_on"])
    assert "review date passed" in login(clinician).get(chart).content.decode()


def test_caseload_flags_a_review_date_that_has_passed(login, clinician, client_chart, goal):
    """Issue #10: a passed review date shows on the caseload as well as on the chart."""
    today = client_chart.organization.today()
    caseload = login(clinician)
    assert "Goal review" in caseload.get(reverse("caseload")).content.decode()
    assert "review date passed" not in caseload.get(reverse("caseload")).content.decode()

    Goal.objects.filter(pk=goal.pk).update(review_on=today + datetime.timedelta(days=5))
    soon = caseload.get(reverse("caseload")).content.decode()
    assert f"Alcohol: review {today + datetime.timedelta(days=5):%b} " in soon
    assert "review date passed" not in soon

    Goal.objects.filter(pk=goal.pk).update(review_on=today - datetime.timedelta(days=1))
    passed = caseload.get(reverse("caseload")).content.decode()
    assert "Alcohol: review date passed" in passed
    chart = caseload.get(reverse("clients-detail", args=[client_chart.pk])).content.decode()
    assert "review date passed" in chart


def test_an_empty_submission_shows_field_errors(login, clinician, client_chart):
    response = login(clinician).post(reverse("goals-add", args=[client_chart.pk]), {})
    assert response.status_code == 200
    assert response.context["form"].is_bound
    assert "kind" in response.context["form"].errors
    assert not Goal.objects.filter(client=client_chart).exists()
