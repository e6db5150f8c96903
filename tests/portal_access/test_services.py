import pytest
from django.core.exceptions import ValidationError

from portal import services
from portal.applications import App
from portal.models import Authorization, AuthorizationEvent, Membership, Role
from tests.factories.portal import CompanyFactory, CountryFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_request_by_customer_number_creates_a_pending_authorization_and_mails_the_admins(
    company, company_admin, mailoutbox, send_mail
):
    newcomer = UserFactory(email="new@acme.test", first_name="Nina", last_name="New")
    auth = send_mail(
        services.access_request_submit,
        user=newcomer,
        app=App.INVOICES,
        role=Role.APPROVER,
        justification="I pay the invoices.",
        customer_number=f" {company.customer_number} ",
    )
    assert auth.status == Authorization.Status.PENDING
    assert auth.company == company and auth.role == Role.APPROVER
    assert list(auth.events.values_list("action", "actor")) == [("requested", newcomer.pk)]
    assert not Membership.objects.filter(user=newcomer).exists()
    [mail] = mailoutbox
    assert mail.to == [company_admin.email]
    assert "new@acme.test" in mail.subject and "Invoices On-Line" in mail.subject
    assert f"http://127.0.0.1:8000/company/?company={company.pk}" in mail.body
    # an outsider's free text (name, justification) is not e-mailed: it is read in the portal
    assert "Nina New" not in mail.body and "I pay the invoices." not in mail.body
    assert "read their justification before you decide" in mail.body


def test_admin_mail_is_in_the_admins_language(company, mailoutbox, send_mail):
    member(company, role=None, admin=True, email="fr-admin@acme.test", preferred_language="fr")
    send_mail(
        services.access_request_submit,
        user=UserFactory(),
        app=App.INVOICES,
        justification="x",
        customer_number=company.customer_number,
    )
    [mail] = mailoutbox
    assert "Demande d'accès" in mail.subject
    assert "Factures" in mail.subject or "Invoices On-Line" in mail.subject


def test_unknown_customer_number_is_refused_clearly():
    with pytest.raises(ValidationError) as error:
        services.access_request_submit(
            user=UserFactory(), app=App.INVOICES, justification="x", customer_number="999"
        )
    assert error.value.code == "unknown_company"
    assert "could not find a company" in error.value.messages[0]
    assert not Authorization.objects.exists()


def test_member_request_goes_to_the_active_company(company, no_rights):
    auth = services.access_request_submit(
        user=no_rights, app=App.ORDERS, justification="Deliveries", company=company
    )
    assert auth.company == company


def test_duplicate_pending_request_is_refused(company, no_rights):
    services.access_request_submit(
        user=no_rights, app=App.ORDERS, justification="a", company=company
    )
    with pytest.raises(ValidationError) as error:
        services.access_request_submit(
            user=no_rights, app=App.ORDERS, justification="b", company=company
        )
    assert error.value.code == "duplicate"
    assert Authorization.objects.filter(user=no_rights).count() == 1


def test_granted_user_cannot_ask_again(company, viewer):
    with pytest.raises(ValidationError) as error:
        services.access_request_submit(
            user=viewer, app=App.ORDERS, justification="b", company=company
        )
    assert error.value.code == "already_granted"


def test_refused_request_can_be_asked_again(company, company_admin, no_rights):
    auth = services.access_request_submit(
        user=no_rights, app=App.ORDERS, justification="a", company=company
    )
    services.access_request_refuse(authorization=auth, actor=company_admin, note="Not you.")
    again = services.access_request_submit(
        user=no_rights, app=App.ORDERS, justification="please", company=company
    )
    assert again.pk == auth.pk
    assert again.status == Authorization.Status.PENDING and again.decision_note == ""
    assert list(again.events.values_list("action", flat=True)) == [
        "requested",
        "refused",
        "requested",
    ]


def test_application_not_offered_in_the_country_cannot_be_requested():
    closed = CompanyFactory(country=CountryFactory(code="BR", name="Brazil", apps=["orders"]))
    with pytest.raises(ValidationError) as error:
        services.access_request_submit(
            user=UserFactory(),
            app=App.CONTRACTS,
            justification="x",
            customer_number=closed.customer_number,
        )
    assert error.value.code == "unavailable"


def test_approve_grants_makes_a_member_and_mails_the_requester_in_their_language(
    company, company_admin, mailoutbox, send_mail
):
    newcomer = UserFactory(preferred_language="fr")
    auth = services.access_request_submit(
        user=newcomer, app=App.ORDERS, justification="x", customer_number=company.customer_number
    )
    mailoutbox.clear()
    send_mail(
        services.access_request_approve, authorization=auth, actor=company_admin, role=Role.APPROVER
    )
    auth.refresh_from_db()
    assert auth.status == Authorization.Status.GRANTED and auth.role == Role.APPROVER
    assert auth.decided_by == company_admin and auth.decided_at is not None
    assert Membership.objects.filter(
        user=newcomer, company=company, is_company_admin=False
    ).exists()
    event = auth.events.last()
    assert (event.action, event.actor, event.role) == ("granted", company_admin, Role.APPROVER)
    [mail] = mailoutbox
    assert mail.to == [newcomer.email]
    assert mail.subject.startswith("Accès accordé")
    assert "http://127.0.0.1:8000/orders/" in mail.body


def test_refuse_keeps_the_note_and_mails_it(
    company, company_admin, no_rights, mailoutbox, send_mail
):
    auth = services.access_request_submit(
        user=no_rights, app=App.ORDERS, justification="x", company=company
    )
    mailoutbox.clear()
    send_mail(
        services.access_request_refuse,
        authorization=auth,
        actor=company_admin,
        note="Ask your manager first.",
    )
    auth.refresh_from_db()
    assert auth.status == Authorization.Status.REJECTED
    [mail] = mailoutbox
    assert mail.to == [no_rights.email]
    assert "refused" in mail.subject
    assert "Ask your manager first." in mail.body
    assert "/access/request/?app=orders" in mail.body


def test_a_decided_request_cannot_be_decided_again(company, company_admin, no_rights):
    auth = services.access_request_submit(
        user=no_rights, app=App.ORDERS, justification="x", company=company
    )
    services.access_request_approve(authorization=auth, actor=company_admin)
    with pytest.raises(ValidationError) as error:
        services.access_request_refuse(authorization=auth, actor=company_admin, note="")
    assert error.value.code == "decided"


def test_only_an_admin_of_that_company_or_an_agent_decides(company, no_rights, outsider, approver):
    auth = services.access_request_submit(
        user=no_rights, app=App.ORDERS, justification="x", company=company
    )
    for actor in (outsider, approver):
        with pytest.raises(ValidationError) as error:
            services.access_request_approve(authorization=auth, actor=actor)
        assert error.value.code == "not_allowed"
    auth.refresh_from_db()
    assert auth.status == Authorization.Status.PENDING


def test_change_role_and_revoke_write_events_and_mail(
    company, company_admin, viewer, mailoutbox, send_mail
):
    auth = Authorization.objects.get(user=viewer, company=company, app=App.INVOICES)
    send_mail(
        services.authorization_change_role,
        authorization=auth,
        actor=company_admin,
        role=Role.APPROVER,
    )
    send_mail(services.authorization_revoke, authorization=auth, actor=company_admin, note="Left")
    auth.refresh_from_db()
    assert auth.status == Authorization.Status.REVOKED and auth.role == Role.APPROVER
    assert list(auth.events.values_list("action", flat=True)) == ["role_changed", "revoked"]
    assert [m.subject for m in mailoutbox] == [
        "Your role changed: Invoices On-Line",
        "Access revoked: Invoices On-Line",
    ]


def test_revoking_a_pending_request_is_refused(company, company_admin, no_rights):
    auth = services.access_request_submit(
        user=no_rights, app=App.ORDERS, justification="x", company=company
    )
    with pytest.raises(ValidationError):
        services.authorization_revoke(authorization=auth, actor=company_admin)


def test_grant_directly_to_a_member(company, company_admin, no_rights):
    auth = services.authorization_grant(
        company=company, user=no_rights, app=App.STATEMENTS, role=Role.VIEWER, actor=company_admin
    )
    assert auth.status == Authorization.Status.GRANTED
    assert auth.events.get().action == "granted"


def test_grant_directly_to_a_non_member_is_refused(company, company_admin, outsider):
    with pytest.raises(ValidationError) as error:
        services.authorization_grant(
            company=company, user=outsider, app=App.ORDERS, role=Role.VIEWER, actor=company_admin
        )
    assert error.value.code == "not_member"


def test_last_admin_cannot_be_removed(company, company_admin, viewer):
    mine = Membership.objects.get(user=company_admin, company=company)
    with pytest.raises(ValidationError) as error:
        services.membership_set_admin(membership=mine, actor=company_admin, is_admin=False)
    assert error.value.code == "last_admin"
    mine.refresh_from_db()
    assert mine.is_company_admin

    theirs = Membership.objects.get(user=viewer, company=company)
    services.membership_set_admin(membership=theirs, actor=company_admin, is_admin=True)
    services.membership_set_admin(membership=mine, actor=company_admin, is_admin=False)
    mine.refresh_from_db()
    assert not mine.is_company_admin
    assert AuthorizationEvent.objects.filter(
        authorization__user=company_admin, action="admin_removed"
    ).exists()


def test_request_without_admin_goes_to_the_agents(mailoutbox, send_mail):
    from portal.agents import make_agent

    agent = UserFactory(email="agent@supplier.test")
    make_agent([agent])
    lonely = CompanyFactory()
    auth = send_mail(
        services.access_request_submit,
        user=UserFactory(),
        app=App.ORDERS,
        justification="x",
        customer_number=lonely.customer_number,
    )
    [mail] = mailoutbox
    assert mail.to == [agent.email]
    assert f"/agents/portal/authorization/{auth.pk}/change/" in mail.body
    services.access_request_approve(authorization=auth, actor=agent)
    auth.refresh_from_db()
    assert auth.status == Authorization.Status.GRANTED and auth.decided_by == agent
