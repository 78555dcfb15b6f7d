import pytest
from django.test import Client as Browser
from django.urls import reverse

from waypoint.accounts.models import User
from waypoint.questions import fulltext
from waypoint.questions.models import Question, Status

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_questions():
    from waypoint.clinics.demo import build_demo

    build_demo()
    published = Question.objects.published()
    assert published.count() == 10
    assert published.filter(language="es").count() == 3
    queue = list(Question.objects.queue())
    assert [(q.urgent, q.status) for q in queue] == [
        (True, Status.PENDING),
        (False, Status.PENDING),
    ]
    hits = fulltext.search("fentanyl test strips")
    assert hits[0].question.title == "How do I use fentanyl test strips?"
    assert len(fulltext.search("naloxona")) >= 2
    visitor = Browser()
    for url in ("/", reverse("questions-list"), reverse("questions-list") + "?q=naloxone"):
        assert visitor.get(url).status_code == 200
    for question in published:
        assert visitor.get(question.get_absolute_url()).status_code == 200
    staff = Browser()
    staff.force_login(User.objects.get(email="clinician@demo.test"),
                      backend="django.contrib.auth.backends.ModelBackend")  # fmt: skip
    assert staff.get(reverse("questions-queue")).status_code == 200
    for question in queue:
        assert staff.get(reverse("questions-moderate", args=[question.pk])).status_code == 200
