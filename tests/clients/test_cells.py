"""Caseload rows rendered in Python (waypoint/clients/cells.py): same markup, escaped, and a
column may still give a template instead of a renderer."""

import datetime

import pytest
from django.template.defaultfilters import truncatechars
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from waypoint.clients import cells
from waypoint.clients.extensions import caseload_columns, cell_renderer
from waypoint.clients.models import Alert, ChartStatus, Client


def test_detail_urls_match_reverse():
    url = cells._detail_url_maker()
    for pk in (1, 7, 42, 123456):
        assert url(pk) == reverse("clients-detail", args=[pk])


@pytest.mark.django_db
def test_every_value_is_escaped(client, clinician):
    chart = Client.objects.create(
        organization=clinician.organization,
        chart_number="X<1>",
        status=ChartStatus.ACTIVE,
        legal_name="<script>alert(1)</script>",
        pronouns='"they"',
        primary_clinician=clinician,
    )
    chart.care_team.add(clinician)
    Alert.objects.create(
        client=chart, kind="other", severity="urgent", title="<b>a very long alert title here</b>"
    )
    client.force_login(clinician, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("caseload")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "X&lt;1&gt;" in page
    assert "(&quot;they&quot;)" in page
    assert 'title="&lt;b&gt;a very long alert title here&lt;/b&gt;"' in page
    shown = escape(truncatechars("<b>a very long alert title here</b>", 28))
    assert f'title="&lt;b&gt;a very long alert title here&lt;/b&gt;">{shown}</span>' in page
    assert f'href="{chart.get_absolute_url()}"' in page


def test_badges_follow_each_item_with_a_space_and_show_empty_otherwise():
    assert cells.badges([], str) == cells.EMPTY
    assert cells.badges(["a", "b"], lambda x: f"<i>{x}</i>") == "<i>a</i> <i>b</i> "


@pytest.mark.django_db
def test_a_column_may_still_give_a_template(clinician):
    chart = Client(chart_number="T&1", legal_name="Template Person")
    locmem = {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {"test/_cell.html": "{{ client.chart_number }} co"},
                )
            ]
        },
    }
    with override_settings(TEMPLATES=[locmem]):
        render = cell_renderer("test/_cell.html")
        assert render(chart) == "T&amp;1 co"


@pytest.mark.django_db
def test_rows_show_last_contact_and_an_inactive_primary(clinician):
    chart = Client.objects.create(
        organization=clinician.organization, chart_number="L-1", legal_name="Last Person"
    )
    chart.primary_clinician = clinician
    chart.last_contact_on = timezone.localdate() - datetime.timedelta(days=3)
    clinician.is_active = False
    html = cells.render_rows([chart], [render for _, render in caseload_columns()][:0])
    assert '<span class="badge">inactive</span>' in html
    assert f'<time datetime="{chart.last_contact_on.isoformat()}">' in html
    assert "(3\xa0days" in html  # the timesince filter, as the template had it
    chart.last_contact_on = None
    assert '<span class="muted">none yet</span>' in cells.render_rows([chart], [])


def test_templates_come_from_the_cached_loader():
    """Django's default when TEMPLATES sets no loaders, with DEBUG on or off (the bench too)."""
    from django.template import engines

    loaders = engines["django"].engine.template_loaders
    assert [type(loader).__module__ for loader in loaders] == ["django.template.loaders.cached"]


def test_escaping_is_the_template_engines():
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    for value in ["<a href='x'>&\"</a>", 12, None, 1.5, gettext_lazy("Active"), mark_safe("<b>")]:
        assert cells.e(value) == conditional_escape(value)
