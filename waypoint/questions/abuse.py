"""Keeping the public question form usable without a captcha or any third-party script.

- A honeypot field (`website`), hidden from people by CSS and from assistive technology by
  `aria-hidden` and `tabindex=-1`; a form that fills it in is dropped silently.
- A per-address limit: RATE_LIMIT questions per RATE_WINDOW from one address, counted in the
  `AskAttempt` table under a keyed hash of the address (`blind_index`, never the address), rows
  older than the window deleted as new ones arrive. A table rather than the cache because the
  default cache is per process, so several web workers would each allow the full limit.
- Length limits and at most MAX_LINKS links (`forms.py`), each refusal with its reason.
"""

import datetime
import re

from django.utils import timezone

from waypoint.audit import context
from waypoint.lib.encryption import blind_index

RATE_LIMIT = 3
RATE_WINDOW = datetime.timedelta(minutes=10)
HONEYPOT_FIELD = "website"
_LINK = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|io|ru|info|biz|xyz)\b", re.I)


def count_links(text: str) -> int:
    return len(_LINK.findall(text or ""))


def address_digest(request) -> str:
    address = context.client_address(request) or "unknown"
    return blind_index(address, purpose="questions-ask-address")


def over_rate_limit(request, *, now=None) -> bool:
    from waypoint.questions.models import AskAttempt

    now = now or timezone.now()
    return (
        AskAttempt.objects.filter(
            address_digest=address_digest(request), at__gt=now - RATE_WINDOW
        ).count()
        >= RATE_LIMIT
    )


def note_attempt(request, *, now=None) -> None:
    from waypoint.questions.models import AskAttempt

    now = now or timezone.now()
    AskAttempt.objects.filter(at__lte=now - RATE_WINDOW).delete()
    AskAttempt.objects.create(address_digest=address_digest(request), at=now)
