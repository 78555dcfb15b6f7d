"""Shared set-up for the public questions and comments tests."""

import pytest


@pytest.fixture(autouse=True)
def requests_commit(monkeypatch, django_capture_on_commit_callbacks):
    """Each POST commits, as a real request does: its on-commit work (the emails) runs."""
    from django.test import Client

    original = Client.post

    def post(self, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(self, *args, **kwargs)

    monkeypatch.setattr(Client, "post", post)
