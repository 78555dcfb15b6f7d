"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's
live server, with the real Content-Security-Policy in force.

Reusable pieces for every app's browser tests:
- `browser` (session) and `page` (per test, a fresh context; fails the test on any console error,
  which includes CSP violations such as an inline script or style); `phone`, the same on a
  360 x 740 touch phone (`PHONE`);
- `sign_in(page, email, password=None)`: signs in through the real form (cast users use
  tests.conftest.PASSWORD, `@demo.test` users the demo password);
- `axe_check(page)`: runs axe-core on the current page and fails on serious or critical
  violations; `visit(page, path)` goes to a path and runs it.

Mark browser test modules with
    pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
so that `pytest -n 2 --dist loadgroup` keeps them on one worker (one Chromium).
"""

import json
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make browser-deps` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    """A fresh browser context on the live server. Console errors fail the test."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    errors = []
    tab.on(
        "console",
        lambda message: (
            errors.append(f"{tab.url}: {message.text}") if message.type == "error" else None
        ),
    )
    tab.on("pageerror", lambda error: errors.append(f"{tab.url}: {error}"))
    tab.on(
        "response",
        lambda response: (
            errors.append(f"{tab.url}: HTTP {response.status} for {response.url}")
            if response.status >= 400 and response.request.resource_type != "document"
            else None
        ),
    )
    tab.console_errors = errors
    yield tab
    context.close()
    # A 403/404 page logs "Failed to load resource" for the document itself, which tests expect;
    # failed sub-resources (a missing script or stylesheet) are caught by the response hook.
    unexpected = [e for e in errors if "Failed to load resource" not in e]
    assert not unexpected, "browser console errors:\n" + "\n".join(unexpected)


PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser, live_server, transactional_db):
    """A client's own browser: a touch phone, 360 x 740. Console errors fail the test."""
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    errors = []
    tab.on("console", lambda m: errors.append(f"{tab.url}: {m.text}") if m.type == "error" else 0)
    tab.on("pageerror", lambda error: errors.append(f"{tab.url}: {error}"))
    tab.on(
        "response",
        lambda r: (
            errors.append(f"{tab.url}: HTTP {r.status} for {r.url}")
            if r.status >= 400 and r.request.resource_type != "document"
            else None
        ),
    )
    tab.console_errors = errors
    yield tab
    context.close()
    unexpected = [e for e in errors if "Failed to load resource" not in e]
    assert not unexpected, "browser console errors:\n" + "\n".join(unexpected)


def sign_in(page, email: str, password: str | None = None):
    """Sign in through the login form and wait for the landing page."""
    if password is None:
        from waypoint.clinics.demo import DEMO_PASSWORD

        password = DEMO_PASSWORD if email.endswith("@demo.test") else PASSWORD
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert "/accounts/login/" not in page.url, f"sign-in failed for {email}"
    return page


def _axe_source() -> str:
    if not AXE_PATH.exists():
        pytest.fail(f"axe-core is missing at {AXE_PATH}: run `npm ci` (make test does)")
    return AXE_PATH.read_text()


def axe_check(page, *, impacts=("serious", "critical")):
    """Run axe-core on the current page; fail on violations of the given impacts.

    The CSP forbids inline scripts, so `page.add_script_tag` cannot inject axe; evaluating the
    file's source through the DevTools protocol is not subject to the page's CSP.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    seen = len(page.console_errors) if hasattr(page, "console_errors") else 0
    results = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
            }));
        }"""
    )
    if hasattr(page, "console_errors"):
        # axe's colour-contrast probes set inline styles, which the CSP rightly blocks.
        page.console_errors[seen:] = [
            e for e in page.console_errors[seen:] if "Applying inline style" not in e
        ]
    bad = [v for v in results if v["impact"] in impacts]
    assert not bad, f"axe violations on {page.url}:\n" + json.dumps(bad, indent=2)
    return results


def visit(page, path: str, *, check=True):
    """Go to `path`, fail on an error status, and run axe on it."""
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    if check:
        axe_check(page)
    return response
