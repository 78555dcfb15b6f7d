import pytest

# The groups app's no-leak group (three members and a drop-in), for the API's no-leak test.
from tests.groups.conftest import group, group_world, member_charts  # noqa: F401
from waypoint.api import actions


@pytest.fixture
def make_token():
    def make(user, scope="read", days=30, name="test"):
        return actions.create_token(user, by=user, name=name, scope=scope, days=days)[1]

    return make


@pytest.fixture
def api(client):
    """`api(token).get(path)` (and `.post`, `.patch` with JSON): the test client with a bearer
    token."""

    class Caller:
        def __init__(self, token):
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

        def get(self, path, **params):
            return client.get(path, params, **self.headers)

        def post(self, path, data=None, raw=None):
            import json

            body = raw if raw is not None else json.dumps(data)
            return client.post(path, body, content_type="application/json", **self.headers)

        def patch(self, path, data=None, raw=None):
            import json

            body = raw if raw is not None else json.dumps(data)
            return client.patch(path, body, content_type="application/json", **self.headers)

    return Caller


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Throttle counts live in the cache and token ids repeat between tests: start each clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
