"""Buttons that destroy, withdraw or revoke use the danger style, never the primary one."""

import pathlib
import re

TEMPLATES = pathlib.Path(__file__).resolve().parents[2] / "waypoint" / "templates"
DESTRUCTIVE = re.compile(
    r"\b(purge|delete|remove|revoke|withdraw|anonymi[sz]e|reset two-factor|turn off)\b", re.I
)
BUTTON = re.compile(r"<button\b([^>]*)>(.*?)</button>", re.S | re.I)


def _buttons():
    for path in sorted(TEMPLATES.rglob("*.html")):
        for match in BUTTON.finditer(path.read_text()):
            attrs, label = match.groups()
            text = re.sub(r"<[^>]+>|\{[{%].*?[%}]\}", " ", label)
            aria = re.search(r'aria-label="([^"]*)"', attrs)
            yield path.relative_to(TEMPLATES), attrs, f"{text} {aria.group(1) if aria else ''}"


def test_destructive_buttons_use_the_danger_style():
    destructive = [(path, attrs) for path, attrs, text in _buttons() if DESTRUCTIVE.search(text)]
    assert len(destructive) >= 8  # purge, anonymize, revoke (2), withdraw, removes, resets
    wrong = []
    for path, attrs in destructive:
        classes = (re.search(r'class="([^"]*)"', attrs) or [None, ""])[1].split()
        if "danger" not in classes or "secondary" in classes:
            wrong.append(f"{path}: {attrs.strip()}")
    assert wrong == []


def test_the_stylesheet_has_the_danger_styles():
    css = (TEMPLATES.parent / "static" / "waypoint" / "waypoint.css").read_text()
    assert ".button.danger {" in css and ".link-button.danger {" in css
