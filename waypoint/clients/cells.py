"""Caseload and client-list rows rendered in Python (issue #14: the 200-row caseload).

Each of the list's 200 rows used to be a loop body with an `{% include %}` per column cell; the
template engine spent most of the page's time resolving variables and pushing contexts. A row is
now one f-string per cell with the same markup, every value escaped as `{{ value }}` does
(`e`) and dates formatted by the same filters the templates used.

A column's cell (CASELOAD_COLUMNS in clients/extensions.py) is either a callable
`(client) -> str` of safe HTML (dotted path) or, for a column that does not need the speed, a
template path ending in ".html" rendered with `{"client": client}`.
"""

from html import escape as _escape

from django.template.defaultfilters import date as date_filter
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from waypoint.clinics.templatetags.dates import day

EMPTY = '<span class="muted">—</span>'


def e(value) -> str:
    """`{{ value }}` in a template: escaped unless already safe, None as "None".

    Django's `conditional_escape` without its lazy-argument wrapper (a third of a row's time):
    the same `html.escape` of the text, or the value's own `__html__` when it is safe."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


def badges(items, render, empty: str = EMPTY) -> str:
    """`{% for %}<span…>…</span> {% empty %}…{% endfor %}`: each badge followed by a space."""
    if not items:
        return empty
    return "".join(f"{render(item)} " for item in items)


def template_cell(name: str):
    """A cell renderer from a template of one client's cell (context: `client`)."""
    template = get_template(name)

    def render(client) -> str:
        return template.render({"client": client})

    return render


def _detail_url_maker():
    """`client.get_absolute_url` for many rows with one `reverse` (the pk is the URL's only
    variable part; tests/clients/test_cells.py compares it with `reverse`)."""
    probe = 987654321
    sample = reverse("clients-detail", args=[probe])
    before, _, after = sample.partition(str(probe))
    return lambda pk: f"{before}{pk}{after}"


def _last_contact(on) -> str:
    if not on:
        return '<span class="muted">none yet</span>'
    return (
        f'<time datetime="{date_filter(on, "Y-m-d")}">{e(day(on))}</time> '
        f'<span class="muted">({e(timesince(on))} ago)</span>'
    )


def _clinician(person) -> str:
    if not person:
        return "—"
    inactive = "" if person.is_active else ' <span class="badge">inactive</span>'
    return f"{e(str(person))}{inactive}"


def render_rows(rows, cells) -> SafeString:
    """The `<tr>`s of a client table: the fixed cells, then one `<td>` per column renderer.

    Cells that repeat down the list are made once per call: a status, a primary clinician (one
    database row, whichever chart row it came with), a day of last contact."""
    url = _detail_url_maker()
    statuses, clinicians, contacts = {}, {}, {}
    out = []
    for client in rows:
        pronouns = f' <span class="muted">({e(client.pronouns)})</span>' if client.pronouns else ""
        columns = "".join(f"<td>{render(client)}</td>" for render in cells)
        status = statuses.get(client.status)
        if status is None:
            status = statuses[client.status] = (
                f'<span class="badge status-{e(client.status)}">'
                f"{e(client.get_status_display())}</span>"
            )
        person = client.primary_clinician
        key = getattr(person, "pk", None)
        clinician = clinicians.get(key)  # never filled for None: no clinician, or an unsaved one
        if clinician is None:
            clinician = _clinician(person)
            if key is not None:
                clinicians[key] = clinician
        on = client.last_contact_on
        contact = contacts.get(on)
        if contact is None:
            contact = contacts[on] = _last_contact(on)
        out.append(
            f"  <tr>\n"
            f"    <td>{e(client.chart_number)}</td>\n"
            f'    <td><a href="{url(client.pk)}">{e(client.display_name)}</a>'
            f"{pronouns}</td>\n"
            f"    <td>{status}</td>\n"
            f"    <td>{clinician}</td>\n"
            f"    <td>{contact}</td>\n"
            f"    {columns}\n"
            f"  </tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped  # nosec B308 B703
