from django import template

from waypoint.audit.names import object_type_name

register = template.Library()


@register.filter
def record_type(object_type: str) -> str:
    """`{{ event.object_type|record_type }}`: "Client chart" for `clients.client`."""
    return object_type_name(object_type)
