"""Every registry of dotted paths loads, and loads one way (docs/adr/0003-extension-registries.md).

A wrong path in a registry would otherwise break a page, a disclosure, an anonymization or the
demo only when it runs.
"""

import ast
import inspect
from pathlib import Path

import pytest
from django.template.loader import get_template
from django.utils.module_loading import import_string

from waypoint.clients.extensions import CASELOAD_COLUMNS, CHART_PANELS, PORTAL_PANELS
from waypoint.clinics.demo import DEMO_STEPS
from waypoint.privacy.records import RECORD_PARTS
from waypoint.privacy.retention import ANONYMIZERS

WAYPOINT = Path(__file__).resolve().parents[2] / "waypoint"

# registry -> (dotted paths, the parameter names every entry takes)
REGISTRIES = {
    "CASELOAD_COLUMNS": ([path for _, _, path in CASELOAD_COLUMNS], ["clients", "user"]),
    "CHART_PANELS": (CHART_PANELS, ["request", "access"]),
    "PORTAL_PANELS": (PORTAL_PANELS, ["request", "client"]),
    "RECORD_PARTS": (RECORD_PARTS, ["client", "ctx"]),
    "ANONYMIZERS": (ANONYMIZERS, ["client"]),
    "DEMO_STEPS": (DEMO_STEPS, ["ctx"]),
}


@pytest.mark.parametrize("registry", list(REGISTRIES))
def test_every_dotted_path_imports_and_takes_the_registry_arguments(registry):
    paths, parameters = REGISTRIES[registry]
    assert paths, registry
    assert len(set(paths)) == len(paths), f"{registry} lists an entry twice"
    for dotted in paths:
        target = import_string(dotted)
        assert callable(target), dotted
        assert list(inspect.signature(target).parameters) == parameters, dotted


def test_every_caseload_cell_exists():
    """A cell is a template path (".html") or a dotted `(client) -> str` renderer."""
    for heading, cell, _ in CASELOAD_COLUMNS:
        assert heading
        if cell.endswith(".html"):
            assert get_template(cell).origin.name.endswith(cell)
        else:
            target = import_string(cell)
            assert callable(target), cell
            assert list(inspect.signature(target).parameters) == ["client"], cell


def _dotted_path_loaders(path: Path) -> list[str]:
    """Uses of `importlib.import_module` in a module: registries use import_string instead."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        imported = isinstance(node, ast.ImportFrom) and node.module == "importlib"
        names = [alias.name for alias in node.names] if imported else []
        attribute = isinstance(node, ast.Attribute) and node.attr == "import_module"
        if "import_module" in names or attribute:
            found.append(f"{path.relative_to(WAYPOINT.parent)}:{node.lineno}")
    return found


def test_no_module_writes_its_own_loader_of_dotted_paths():
    found = [hit for path in sorted(WAYPOINT.rglob("*.py")) for hit in _dotted_path_loaders(path)]
    assert found == []
