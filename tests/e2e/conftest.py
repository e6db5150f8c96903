"""Browser tests: pytest-playwright on Debian's Chromium against pytest-django's live server.

How to write a journey (`tests/e2e/test_<app>_journey.py`)::

    import pytest
    from playwright.sync_api import expect
    from tests.e2e.browsing import sign_in, url_for

    pytestmark = pytest.mark.e2e

    def test_viewer_finds_an_invoice(page, live_server, viewer, company):
        invoice = InvoiceFactory(company=company)          # ORM calls are fine here
        sign_in(page, live_server, viewer.email)            # password defaults to UserFactory's
        page.get_by_role("link", name="Invoices On-Line").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Invoices")

* `page`, `context`, `new_context` are pytest-playwright's fixtures; `live_server` is
  pytest-django's (transactional database: data made in the test is visible to the
  server). The fixtures of tests/conftest.py (`company`, `viewer`, `approver`,
  `company_admin`, ...) and the `e2e_world` fixture below work with it.
* Accessibility is checked by construction (tests/e2e/accessibility.py): every
  document a test leaves, and every page open at the end of the test, is run
  through axe-core; a "serious" or "critical" violation, a CSP violation or an
  uncaught JavaScript error fails the test with the URL and details. Open extra
  browser contexts with the `new_context` fixture (never `browser.new_context()`)
  so they are watched too.
* Contexts default to English (`locale="en-GB"`), 1280x900, Europe/Paris
  (CONTEXT_DEFAULTS); override per context: `new_context(locale="fr-FR")`,
  `new_context(viewport={"width": 360, "height": 740})`; or click the switch with
  `switch_language(page, "fr")`.
* Without /usr/bin/chromium the e2e tests are skipped with a printed reason, unless
  PORTAL_REQUIRE_BROWSER=1 (CI), which makes a missing browser a failure.
  Never download a browser (`playwright install` is not used).
"""

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler

from portal.models import Membership, Role
from tests.e2e.accessibility import WAIT_FOR_REPORT_S, ContextWatch, report
from tests.e2e.browsing import PASSWORD
from tests.factories.portal import CompanyFactory, CountryFactory, UserFactory, member

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses
# to run there unless told it is safe (it is: the loop never runs Django code).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
BROWSER_REQUIRED = os.environ.get("PORTAL_REQUIRE_BROWSER") == "1"
SKIP_REASON = "browser tests skipped: Chromium not installed (apt-get install chromium)"
HERE = Path(__file__).resolve().parent
_WATCHES = pytest.StashKey[list]()
_skipped: list[str] = []


def _chromium_available() -> bool:
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if HERE in Path(str(item.path)).parents]
    for item in browser_items:
        item.add_marker(pytest.mark.e2e)
    if browser_items and not _chromium_available():
        if BROWSER_REQUIRED:
            raise pytest.UsageError(
                f"PORTAL_REQUIRE_BROWSER=1 but Chromium is missing at {CHROMIUM} "
                "(apt-get install chromium)"
            )
        for item in browser_items:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))
        _skipped.extend(item.nodeid for item in browser_items)


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.write_sep("-", "browser tests", yellow=True)
        terminalreporter.write_line(f"{SKIP_REASON}: {len(_skipped)} test(s) not run")


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


# Defaults of every context; a test may override any of them: new_context(locale="fr-FR").
CONTEXT_DEFAULTS = {
    "locale": "en-GB",
    "timezone_id": "Europe/Paris",
    "viewport": {"width": 1280, "height": 900},
}


@pytest.fixture
def _page_watches(request):
    watches: list[ContextWatch] = []
    request.node.stash[_WATCHES] = watches
    return watches


@pytest.fixture
def new_context(new_context, _page_watches):
    """pytest-playwright's context factory, with the accessibility/CSP watch attached."""

    def _new_context(**kwargs):
        context = new_context(**{**CONTEXT_DEFAULTS, **kwargs})
        # An action that navigates waits while the watch finishes checking the page it
        # leaves (up to WAIT_FOR_REPORT_S): its own limit must be longer, or a busy machine
        # fails a sign-in that was only waiting for axe.
        context.set_default_timeout((WAIT_FOR_REPORT_S + 5) * 1000)
        scripts = kwargs.get("java_script_enabled") is not False
        _page_watches.append(ContextWatch(context, scripts=scripts).attach())
        return context

    return _new_context


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield  # a failing test body raises here: its own failure is reported
    watches = item.stash.get(_WATCHES, None)
    if watches:
        problems = report(watches)
        if problems:
            pytest.fail(
                "Accessibility (axe serious/critical), CSP or JavaScript problems on the "
                f"pages this test visited:\n{problems}",
                pytrace=False,
            )
    return result


@dataclass
class World:
    """A small, realistic set of people for journeys (password: `PASSWORD`)."""

    company: object
    second_company: object
    viewer: object  # viewer of every application of `company`
    approver: object  # approver and company admin, member of both companies
    newcomer: object  # signed-up ID without any company yet
    password: str = PASSWORD


@pytest.fixture
def e2e_world(transactional_db):
    """France (every application offered), two companies, a viewer, an admin, a newcomer."""
    country = CountryFactory()
    company = CompanyFactory(country=country, name="ACME France SA", customer_number="0100001")
    second = CompanyFactory(country=country, name="ACME Services SAS", customer_number="0100002")
    viewer = member(
        company,
        role=Role.VIEWER,
        email="claire.martin@acme.test",
        first_name="Claire",
        last_name="Martin",
    )
    approver = member(
        company,
        role=Role.APPROVER,
        admin=True,
        email="paul.durand@acme.test",
        first_name="Paul",
        last_name="Durand",
    )
    Membership.objects.create(user=approver, company=second, is_company_admin=False)
    newcomer = UserFactory(email="newcomer@example.test", first_name="Nina", last_name="Petit")
    return World(company, second, viewer, approver, newcomer)


_ONE_REQUEST_AT_A_TIME = threading.RLock()


@pytest.fixture(autouse=True, scope="session")
def _sqlite_live_server_serves_one_request_at_a_time():
    """With SQLite's in-memory test database, the live server's request threads share one
    connection (Django's override): two requests at once (a page and the bell's poll, say)
    can block each other for ever. On SQLite the server runs one request at a time;
    PostgreSQL keeps concurrent requests."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    call = WSGIHandler.__call__

    def one_at_a_time(self, environ, start_response):
        with _ONE_REQUEST_AT_A_TIME:
            return call(self, environ, start_response)

    WSGIHandler.__call__ = one_at_a_time
    yield
    WSGIHandler.__call__ = call
