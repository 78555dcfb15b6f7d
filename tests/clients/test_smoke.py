import pytest


@pytest.mark.django_db
def test_caseload_lists_own_clients(login, clinician, client_chart, colleague_chart):
    response = login(clinician).get("/caseload/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Robin" in body
    assert "Petra" not in body
