"""Every form of the portal fuzzed with hypothesis: 0 server errors.

The routes come from the authorization matrix (tests/security/routes_*.py), so a new
form is fuzzed by construction. For each route the field names are read from the
page's own <form> elements (and the matrix's POST data); hypothesis then posts (or,
for search forms, queries) Unicode text with control characters, overlong values,
numbers and ids in every field, signed in as a company administrator and approver.
"""

import os
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.models import Role
from tests.conftest import login
from tests.factories.portal import CompanyFactory, CountryFactory, member
from tests.security.test_matrix import ROUTES

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
# Pages without a form (downloads, PDFs) get their query string fuzzed more briefly.
PAGE_EXAMPLES = min(EXAMPLES, 25)
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', re.I)
FORM = re.compile(r"<form\b[^>]*>(.*?)</form>", re.I | re.S)
SKIP_FIELDS = {"csrfmiddlewaretoken"}

texts = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=20),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "99999999999999999999",
            "1e309",
            "NaN",
            "2026-02-30",
            "9999-12-31",
            "../../etc/passwd",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\u202egnp.exe",
            "a" * 5000,
            "１２３",
            "null",
            "[]",
            "{}",
        ]
    ),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
)


def _field_names(html: str) -> set[str]:
    names: set[str] = set()
    for form in FORM.findall(html):
        names |= set(FIELD.findall(form))
    return names - SKIP_FIELDS


def _fuzzable(route) -> bool:
    return not route.name.startswith("portal:switch_company")


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if _fuzzable(r)], ids=lambda r: f"{r.method} {r.name}"
)
def test_form_never_answers_500(client, route):
    country = CountryFactory(features=["services_assistant", "inventory_online"])
    company = CompanyFactory(country=country, services_assistant=True)
    user = member(company, role=Role.APPROVER, admin=True)
    if route.setup:
        route.setup(company)
    kwargs = route.kwargs(company, user) if route.kwargs else {}
    url = reverse(route.name, kwargs=kwargs)
    if not route.public:
        login(client, user, company)
    page = client.get(url)
    html = (
        page.content.decode(errors="replace")
        if page.status_code == 200 and not page.streaming
        else ""
    )
    names = _field_names(html) | set((route.data(company, user) if route.data else {}).keys())
    names = sorted(names) or ["q", "page", "sort"]
    method = route.method

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.dictionaries(st.sampled_from(names), texts, max_size=len(names)))
    def fuzz(data):
        response = client.post(url, data) if method == "POST" else client.get(url, data)
        assert response.status_code < 500, (url, data)

    fuzz()
