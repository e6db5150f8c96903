"""What a screen reader hears that axe cannot judge: figure links say what they count,
sorted columns say they are sorted (on the demo data, in English)."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.models import User
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_admin(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    user = User.objects.get(email="admin@acme.example")
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    login(client, user)
    client.cookies["django_language"] = "en"
    return client


def _link_texts(html: str) -> list[str]:
    texts = re.findall(r'<dd><a href="[^"]+">(.*?)</a></dd>', html, flags=re.S)
    return [re.sub(r"<[^>]+>", "", t).strip() for t in texts]


def test_home_figure_links_are_named_with_what_they_count(demo_admin):
    html = demo_admin.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    names = _link_texts(html)
    assert names, "the home page shows figure links"
    for name in names:
        assert not re.fullmatch(r"[\d\s.,]+", name), f"figure link named only {name!r}"
        assert re.match(r"^[\d\s.,]+ \S", name)


@pytest.mark.parametrize(
    "url_name, query, column",
    [
        ("invoices:list", "sort=-total", "Total"),
        ("invoices:list", "sort=number", "Invoice"),
        ("requests_inbox:list", "sort=subject", "Subject"),
        ("inventory:home", "sort=-serial", "Serial number"),
    ],
)
def test_the_sorted_column_says_so(demo_admin, url_name, query, column):
    html = demo_admin.get(
        f"{reverse(url_name)}?{query}", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    direction = "descending" if "=-" in query else "ascending"
    sorted_headers = re.findall(
        r'<th scope="col"[^>]*aria-sort="(\w+)"[^>]*>(.*?)</th>', html, flags=re.S
    )
    assert len(sorted_headers) == 1
    assert sorted_headers[0][0] == direction
    assert column in sorted_headers[0][1]
