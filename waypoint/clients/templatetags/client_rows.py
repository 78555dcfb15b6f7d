"""`{% client_rows rows columns %}`: the body rows of a client table (see clients/cells.py)."""

from django import template

from waypoint.clients.cells import render_rows

register = template.Library()


@register.simple_tag
def client_rows(rows, columns):
    """`columns` are `caseload_columns()`: (heading, cell renderer) pairs."""
    return render_rows(rows, [cell for _, cell in columns])
