"""Stored text fields with XSS payloads render escaped in the portal, the e-mails and
the admin; CRLF in a subject or a name adds no e-mail header."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from inventory.models import ChangeKind
from inventory.services import change_request_submit
from requests_inbox.services import request_reply
from tests.conftest import login, login_agent
from tests.factories.portal import SiteFactory, UserFactory
from tests.inventory.conftest import make_online
from tests.inventory.factories import ItemFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)//<a href='javascript:alert(1)'>x</a>",
    "</textarea><iframe src=//evil.example>",
]
RAW_MARKERS = ["<script>alert", "<img src=x", "<svg/onload", "<a href='javascript", "<iframe src"]


def _assert_escaped(html: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in html, marker


@pytest.fixture
def agent(db):
    from portal.agents import make_agent

    user = UserFactory(email="agent@cs.test", first_name="<script>alert('agent')</script>")
    make_agent([user])
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def test_payloads_in_a_request_render_escaped_everywhere(
    client, company, viewer, agent, mailoutbox, django_capture_on_commit_callbacks
):
    payload = " ".join(PAYLOADS)
    viewer.first_name = PAYLOADS[1]
    viewer.save()
    login(client, viewer, company)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("requests_inbox:create"),
            {
                "subject": PAYLOADS[0] + "\r\nBcc: victim@example.com",
                "category": "other",
                "message": payload,
            },
        )
    assert response.status_code == 302
    detail = response["Location"]
    _assert_escaped(client.get(detail).content.decode())
    _assert_escaped(client.get(reverse("requests_inbox:list")).content.decode())
    _assert_escaped(client.get("/").content.decode())

    from requests_inbox.models import Request

    request = Request.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        request_reply(request=request, agent=agent, body=payload)
    for message in mailoutbox:
        parsed = message.message()
        # the customer's e-mails, and the agents' "new request" alert (escaped alike)
        assert parsed["Bcc"] is None and message.recipients() in ([viewer.email], [agent.email])
        assert "\n" not in message.subject and "\r" not in message.subject
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                _assert_escaped(content)

    login_agent(client, agent)
    admin_page = client.get(reverse("admin:requests_inbox_request_change", args=[request.pk]))
    assert admin_page.status_code == 200
    _assert_escaped(admin_page.content.decode())
    _assert_escaped(client.get(reverse("admin:requests_inbox_request_changelist")).content.decode())


def test_payloads_in_inventory_and_profile_render_escaped(client, company, viewer):
    make_online(company)
    site = SiteFactory(company=company, name=PAYLOADS[2])
    item = ItemFactory(site=site, description=PAYLOADS[3])
    change_request_submit(
        company=company, user=viewer, kind=ChangeKind.REMOVE, item=item, message=PAYLOADS[4]
    )
    login(client, viewer, company)
    for url in [reverse("inventory:home"), item.get_absolute_url(), reverse("portal:profile")]:
        response = client.get(url)
        assert response.status_code == 200
        _assert_escaped(response.content.decode())
