"""Agents hear about new work at once, by e-mail through the outbox."""

import pytest
from allauth.mfa.models import Authenticator

from portal.agents import make_agent
from requests_inbox.services import (
    request_assign,
    request_customer_reply,
    request_reply,
    request_submit,
)
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob(db):
    user = UserFactory(email="bob@cs.test", first_name="Bob", last_name="Agent")
    make_agent([user])
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def submit(company, user):
    return request_submit(
        company=company, user=user, category="other", subject="Toner", message="Two please"
    )


def to(mailoutbox, address):
    return [m for m in mailoutbox if m.to == [address]]


def test_a_new_request_alerts_every_agent_with_a_link_to_the_admin(
    agent, bob, company, viewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        req = submit(company, viewer)
    for address in (agent.email, bob.email):
        (mail,) = to(mailoutbox, address)
        assert mail.subject == f"[{req.number}] New request: Toner"
        assert f"/agents/requests_inbox/request/{req.pk}/change/" in mail.body
        assert "Two please" in mail.body and company.name in mail.body


def test_the_queue_address_replaces_the_agents_when_set(
    agent, company, viewer, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.REQUESTS_QUEUE_EMAIL = "queue@cs.test"
    with django_capture_on_commit_callbacks(execute=True):
        submit(company, viewer)
    assert to(mailoutbox, "queue@cs.test") and not to(mailoutbox, agent.email)


def test_a_customer_reply_by_portal_or_email_alerts_the_assignee_only(
    agent, bob, company, viewer, mailoutbox, django_capture_on_commit_callbacks
):
    req = submit(company, viewer)
    request_assign(request=req, agent=agent, actor=agent)
    request_reply(request=req, agent=agent, body="Which model?")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_customer_reply(request=req, user=viewer, body="The C400")
        request_customer_reply(request=req, user=viewer, body="By mail", source="email")
    mails = to(mailoutbox, agent.email)
    assert [m.subject for m in mails] == [f"[{req.number}] The customer replied: Toner"] * 2
    assert "By mail" in mails[1].body
    assert not to(mailoutbox, bob.email)


def test_an_assignment_by_a_colleague_alerts_the_new_assignee_in_their_language(
    agent, bob, company, viewer, mailoutbox, django_capture_on_commit_callbacks
):
    req = submit(company, viewer)
    agent.preferred_language = "fr"
    agent.save()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_assign(request=req, agent=bob, actor=bob)  # Bob takes it: nobody is told
        request_assign(request=req, agent=agent, actor=bob)
    assert not to(mailoutbox, bob.email)
    (mail,) = to(mailoutbox, agent.email)
    assert mail.subject == f"[{req.number}] Vous est attribuée : Toner"
    assert "Bob Agent vous a attribué la demande" in mail.body
