"""Every form in error starts with one summary (templates/base.html): each error a link
to an element of the page, focus on the summary, "Error:" first in the title."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _summary(html: str) -> str:
    match = re.search(
        r'<div class="error-summary" id="error-summary"[^>]*autofocus>(.*?)</div>', html, re.S
    )
    assert match, "no error summary"
    return match.group(1)


def test_a_form_with_field_errors_gets_a_linked_summary(viewer_client):
    response = viewer_client.post(reverse("requests_inbox:create"), {"subject": "", "body": ""})
    html = response.content.decode()
    assert re.search(r"<title>Error: ", html)
    summary = _summary(html)
    anchors = re.findall(r'href="#([^"]+)"', summary)
    assert len(anchors) >= 2  # subject and message, at least
    for anchor in anchors:
        assert f'id="{anchor}"' in html  # every link leads to its field
    assert summary.count("This field is required.") >= 2


def test_a_wrong_password_is_summarised_too(client, viewer):
    response = client.post(reverse("account_login"), {"login": viewer.email, "password": "wrong"})
    html = response.content.decode()
    assert re.search(r"<title>Error: ", html)
    assert 'href="#id_login"' in _summary(html)


def test_a_page_without_errors_has_no_summary(viewer_client):
    html = viewer_client.get(reverse("requests_inbox:create")).content.decode()
    assert "error-summary" not in html
    assert "<title>Error" not in html
