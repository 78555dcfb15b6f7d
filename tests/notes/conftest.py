import datetime

import pytest

from waypoint.notes import actions

HR_TEXTS = {
    "goals": "Alcohol: moderation, her own limit of three.",
    "use_since": "Two evenings over the limit; water between drinks otherwise.",
    "plan": "Try the first-drink-after-dinner rule.",
}


@pytest.fixture
def session_day(clinic):
    return clinic.today() - datetime.timedelta(days=1)


@pytest.fixture
def make_note(client_chart, clinician, session_day):
    def make(by=None, *, chart=None, texts=None, day=None, template="hr_session", **kwargs):
        return actions.start_note(
            chart or client_chart,
            by=by or clinician,
            template_key=template,
            session_date=day or session_day,
            texts=HR_TEXTS if texts is None else texts,
            **kwargs,
        )

    return make


@pytest.fixture
def draft(make_note):
    return make_note()


@pytest.fixture
def make_trainee(clinic):
    from waypoint.notes.models import NoteSettings

    def make(user):
        NoteSettings.for_organization(clinic).trainees.add(user)
        return user

    return make


@pytest.fixture
def untrained_clinician(clinician):
    """Maya, not flagged as a trainee: her signature is final."""
    return clinician
