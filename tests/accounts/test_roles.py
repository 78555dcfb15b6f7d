"""Roles as code: every permission is granted to a role and checked somewhere; no role names
are compared outside roles.py and the models that define them (issue #8: `Permission` decides
who may do what)."""

import re
from pathlib import Path

from waypoint.accounts.roles import ROLE_DESCRIPTIONS, ROLE_PERMISSIONS, Permission, Role

WAYPOINT = Path(__file__).resolve().parents[2] / "waypoint"
ROLES_MODULE = WAYPOINT / "accounts" / "roles.py"


def _sources(*suffixes):
    return {
        path: path.read_text()
        for suffix in suffixes
        for path in sorted(WAYPOINT.rglob(f"*{suffix}"))
        if "migrations" not in path.parts
    }


def test_every_permission_is_granted_and_checked():
    granted = set().union(*ROLE_PERMISSIONS.values())
    code = "\n".join(text for path, text in _sources(".py").items() if path != ROLES_MODULE)
    for permission in Permission:
        assert permission in granted, f"{permission.name} is granted to no role"
        assert f"Permission.{permission.name}" in code, f"{permission.name} is never checked"


def test_every_role_is_described_in_plain_language():
    assert set(ROLE_DESCRIPTIONS) == set(Role) == set(ROLE_PERMISSIONS)


def test_templates_get_booleans_never_role_names():
    comparison = re.compile(r"\.role\s*(==|!=|in\b)")
    found = [
        f"{path.relative_to(WAYPOINT)}:{number}"
        for path, text in _sources(".html").items()
        for number, line in enumerate(text.splitlines(), 1)
        if comparison.search(line)
    ]
    assert found == []


def test_access_code_and_views_check_permissions_not_roles():
    comparison = re.compile(r"\brole\s*(==|!=)|\brole\s+(not\s+)?in\b")
    checked = [WAYPOINT / "clients" / "access.py", *sorted(WAYPOINT.rglob("views.py"))]
    found = [
        f"{path.relative_to(WAYPOINT)}:{number}"
        for path in checked
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if comparison.search(line)
    ]
    assert found == []
