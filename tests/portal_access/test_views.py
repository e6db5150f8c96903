import pytest
from django.urls import reverse

from portal.applications import App
from portal.middleware import ACTIVE_COMPANY_KEY
from portal.models import Authorization, HelpContact, Membership, Role, Topic
from tests.conftest import login
from tests.factories.portal import CompanyFactory, CountryFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def _pending_request(company, app=App.ORDERS, **user_fields):
    user = UserFactory(**user_fields)
    return Authorization.objects.create(
        user=user, company=company, app=app, role=Role.VIEWER, justification="For the audit"
    )


# --- Request access -------------------------------------------------------------------


def test_gate_sends_a_user_without_authorization_to_request_access_with_the_app(
    client, company, no_rights
):
    login(client, no_rights, company)
    response = client.get(reverse("portal:request_access") + "?app=invoices&next=/invoices/")
    assert response.status_code == 200
    assert 'value="invoices" selected' in response.content.decode()
    assert company.name in response.content.decode()


def test_newcomer_requests_access_with_a_customer_number(
    client, company, company_admin, mailoutbox, django_capture_on_commit_callbacks
):
    newcomer = UserFactory()
    login(client, newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:request_access"),
            {
                "app": "orders",
                "customer_number": company.customer_number,
                "role": "viewer",
                "justification": "I follow deliveries.",
            },
            follow=True,
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "has been sent. The company&#x27;s administrators decide" in page
    assert "ACME France SA" not in page  # the number may have been guessed
    assert f"Customer number {company.customer_number}" in page
    assert "Pending" in page  # the user's requests and their states
    auth = Authorization.objects.get(user=newcomer)
    assert (auth.company, auth.app, auth.status) == (company, "orders", "pending")
    assert [m.to for m in mailoutbox] == [[company_admin.email]]


def test_customer_number_is_required_for_a_newcomer(client, company):
    login(client, UserFactory())
    response = client.post(
        reverse("portal:request_access"), {"app": "orders", "role": "viewer", "justification": "x"}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Authorization.objects.exists()


def test_unknown_customer_number_message(client, company):
    login(client, UserFactory())
    response = client.post(
        reverse("portal:request_access"),
        {"app": "orders", "customer_number": "0000000", "role": "viewer", "justification": "x"},
    )
    assert "could not find a company with this customer number" in response.content.decode()


def test_requests_by_customer_number_are_limited_per_user(client, company):
    login(client, UserFactory())
    for n in range(10):
        client.post(
            reverse("portal:request_access"),
            {"app": "orders", "customer_number": f"X{n}", "role": "viewer", "justification": "x"},
        )
    response = client.post(
        reverse("portal:request_access"),
        {
            "app": "orders",
            "customer_number": company.customer_number,
            "role": "viewer",
            "justification": "x",
        },
    )
    assert "Too many requests by customer number" in response.content.decode()
    assert not Authorization.objects.exists()


def test_duplicate_pending_request_message(client, company, no_rights):
    login(client, no_rights, company)
    data = {"app": "orders", "role": "viewer", "justification": "x"}
    client.post(reverse("portal:request_access"), data)
    response = client.post(reverse("portal:request_access"), data)
    assert "your request is waiting for a decision" in response.content.decode()
    assert Authorization.objects.filter(user=no_rights).count() == 1


def test_home_shows_the_pending_request(client, company, no_rights):
    _ = Authorization.objects.create(user=no_rights, company=company, app=App.ORDERS)
    login(client, no_rights, company)
    page = client.get(reverse("portal:home")).content.decode()
    assert "Request pending" in page


# --- My company -----------------------------------------------------------------------


def test_my_company_lists_members_rights_and_pending_requests(
    client, company, company_admin, viewer
):
    auth = _pending_request(company, email="asker@acme.test")
    login(client, company_admin, company)
    page = client.get(reverse("portal:my_company")).content.decode()
    assert "asker@acme.test" in page and "For the audit" in page
    assert reverse("portal:access_approve", args=[auth.pk]) in page
    assert viewer.email in page
    viewer_auth = Authorization.objects.get(user=viewer, app=App.ORDERS)
    assert reverse("portal:authorization_revoke", args=[viewer_auth.pk]) in page


def test_link_from_the_e_mail_opens_the_right_company(client, company, other_company, viewer):
    Membership.objects.create(user=viewer, company=other_company, is_company_admin=True)
    login(client, viewer, company)  # active: a company where they are not administrator
    assert client.get(reverse("portal:my_company")).status_code == 403
    response = client.get(reverse("portal:my_company") + f"?company={other_company.pk}")
    assert response["Location"] == reverse("portal:my_company")
    assert client.session[ACTIVE_COMPANY_KEY] == other_company.pk
    assert other_company.name in client.get(reverse("portal:my_company")).content.decode()


def test_link_naming_a_foreign_company_is_ignored(client, company, other_company, company_admin):
    login(client, company_admin, company)
    client.get(reverse("portal:my_company") + f"?company={other_company.pk}")
    assert client.session[ACTIVE_COMPANY_KEY] == company.pk


def test_my_company_is_for_administrators_only(client, company, approver):
    login(client, approver, company)
    assert client.get(reverse("portal:my_company")).status_code == 403


def test_admin_grants_with_the_chosen_role(
    client, company, company_admin, mailoutbox, django_capture_on_commit_callbacks
):
    auth = _pending_request(company, email="asker@acme.test")
    login(client, company_admin, company)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:access_approve", args=[auth.pk]), {"role": "approver"}, follow=True
        )
    assert "Access granted" in response.content.decode()
    auth.refresh_from_db()
    assert (auth.status, auth.role) == ("granted", "approver")
    assert Membership.objects.filter(user=auth.user, company=company).exists()
    [mail] = mailoutbox
    assert mail.to == ["asker@acme.test"]
    assert "http://127.0.0.1:8000/orders/" in mail.body


def test_admin_refuses_with_a_note(client, company, company_admin):
    auth = _pending_request(company)
    login(client, company_admin, company)
    client.post(reverse("portal:access_refuse", args=[auth.pk]), {"note": "Wrong company"})
    auth.refresh_from_db()
    assert (auth.status, auth.decision_note) == ("rejected", "Wrong company")


def test_admin_changes_role_and_revokes(client, company, company_admin, viewer):
    auth = Authorization.objects.get(user=viewer, company=company, app=App.INVOICES)
    login(client, company_admin, company)
    client.post(reverse("portal:authorization_role", args=[auth.pk]), {"role": "approver"})
    auth.refresh_from_db()
    assert auth.role == "approver"
    client.post(reverse("portal:authorization_revoke", args=[auth.pk]), {"note": ""})
    auth.refresh_from_db()
    assert auth.status == "revoked"
    assert client.get(reverse("portal:request_access")).status_code == 200


def test_admin_grants_a_member_directly(client, company, company_admin, no_rights):
    membership = Membership.objects.get(user=no_rights, company=company)
    login(client, company_admin, company)
    client.post(
        reverse("portal:member_grant", args=[membership.pk]),
        {"app": "statements", "role": "viewer"},
    )
    assert Authorization.objects.get(user=no_rights, app="statements").status == "granted"


def test_make_and_remove_administrator_and_last_admin_protection(
    client, company, company_admin, viewer
):
    login(client, company_admin, company)
    mine = Membership.objects.get(user=company_admin, company=company)
    response = client.post(
        reverse("portal:member_admin", args=[mine.pk]), {"is_admin": "0"}, follow=True
    )
    assert "must keep at least one administrator" in response.content.decode()
    mine.refresh_from_db()
    assert mine.is_company_admin

    theirs = Membership.objects.get(user=viewer, company=company)
    client.post(reverse("portal:member_admin", args=[theirs.pk]), {"is_admin": "1"})
    theirs.refresh_from_db()
    assert theirs.is_company_admin
    client.post(reverse("portal:member_admin", args=[mine.pk]), {"is_admin": "0"})
    mine.refresh_from_db()
    assert not mine.is_company_admin
    assert client.get(reverse("portal:my_company")).status_code == 403


def test_another_companys_authorization_is_a_404(client, company, other_company, company_admin):
    foreign = _pending_request(other_company)
    foreign_member = Membership.objects.create(user=UserFactory(), company=other_company)
    login(client, company_admin, company)
    for name, pk, data in [
        ("portal:access_approve", foreign.pk, {"role": "viewer"}),
        ("portal:access_refuse", foreign.pk, {"note": ""}),
        ("portal:authorization_role", foreign.pk, {"role": "viewer"}),
        ("portal:authorization_revoke", foreign.pk, {}),
        ("portal:member_admin", foreign_member.pk, {"is_admin": "1"}),
        ("portal:member_grant", foreign_member.pk, {"app": "orders", "role": "viewer"}),
    ]:
        assert client.post(reverse(name, args=[pk]), data).status_code == 404, name
    foreign.refresh_from_db()
    assert foreign.status == "pending"


def test_decisions_need_post_and_csrf(company, company_admin):
    from django.test import Client

    auth = _pending_request(company)
    client = login(Client(enforce_csrf_checks=True), company_admin, company)
    url = reverse("portal:access_approve", args=[auth.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"role": "viewer"}).status_code == 403
    auth.refresh_from_db()
    assert auth.status == "pending"


# --- Active company ---------------------------------------------------------------------


def test_switching_to_a_foreign_company_is_ignored(client, company, other_company, viewer):
    login(client, viewer, company)
    client.post(reverse("portal:switch_company"), {"company": other_company.pk})
    assert client.session[ACTIVE_COMPANY_KEY] == company.pk
    page = client.get(reverse("portal:home")).content.decode()
    assert other_company.name not in page


def test_switching_between_own_companies(client, company, other_company, viewer):
    Membership.objects.create(user=viewer, company=other_company)
    login(client, viewer, company)
    client.post(reverse("portal:switch_company"), {"company": other_company.pk})
    assert client.session[ACTIVE_COMPANY_KEY] == other_company.pk


def test_removed_membership_is_dropped_on_the_next_request(client, company, other_company, viewer):
    Membership.objects.create(user=viewer, company=other_company)
    login(client, viewer, other_company)
    Membership.objects.filter(user=viewer, company=other_company).delete()
    client.get(reverse("portal:home"))
    assert client.session[ACTIVE_COMPANY_KEY] == company.pk


# --- Country availability ----------------------------------------------------------------


def test_application_not_offered_is_hidden_and_its_urls_are_404(client):
    us = CountryFactory(code="US", name="United States", apps=["orders", "invoices"])
    globex = CompanyFactory(country=us, name="Globex")
    user = member(globex, role=Role.VIEWER)
    Authorization.objects.create(
        user=user, company=globex, app="contracts", role="viewer", status="granted"
    )
    login(client, user, globex)
    page = client.get(reverse("portal:home")).content.decode()
    assert "Order Status Online" in page
    assert "Contracts OnLine" not in page
    assert client.get(reverse("contracts:list")).status_code == 404


# --- Profile ----------------------------------------------------------------------------


def test_profile_saves_name_language_and_preferences(client, company, viewer):
    login(client, viewer, company)
    page = client.get(reverse("portal:profile")).content.decode()
    assert "always on" in page
    # transactional: e-mail, in the portal or both, never off
    assert 'name="event_access" value="portal"' in page
    assert 'name="event_access" value="none"' not in page
    assert 'name="event_invoice_new" value="none"' in page
    response = client.post(
        reverse("portal:profile"),
        {
            "first_name": "Vera",
            "last_name": "Viewer",
            "preferred_language": "fr",
            "event_order_report": "email",
        },
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert (viewer.first_name, viewer.preferred_language) == ("Vera", "fr")
    assert viewer.wants("order_report") and not viewer.wants("invoice_new")
    assert viewer.wants("access")  # transactional: always sent
    assert client.get(reverse("portal:profile"))["Content-Language"] == "fr"


def test_profile_links_to_email_password_and_mfa(client, company, viewer):
    login(client, viewer, company)
    page = client.get(reverse("portal:profile")).content.decode()
    for name in ("account_email", "account_change_password", "mfa_index"):
        assert reverse(name) in page


# --- Where to find help ---------------------------------------------------------------------


def _contacts(country):
    HelpContact.objects.create(
        country=country, topic=Topic.INVOICES, phone="+33 1 23", email="fact@example.com"
    )
    HelpContact.objects.create(country=country, topic=Topic.ORDERS, phone="+33 1 45")


def test_help_is_public_with_a_country_chooser(client, country):
    _contacts(country)
    us = CountryFactory(code="US", name="United States")
    HelpContact.objects.create(country=us, topic=Topic.ORDERS, phone="+1 800")
    page = client.get(reverse("portal:help")).content.decode()
    assert "Choose your country" in page and "+33 1 23" not in page
    page = client.get(reverse("portal:help") + "?country=FR").content.decode()
    assert "+33 1 23" in page and "fact@example.com" in page and "+1 800" not in page
    assert page.index("Orders and deliveries") < page.index("Invoices")


def test_help_shows_the_active_companys_country(client, company, viewer, country):
    _contacts(country)
    login(client, viewer, company)
    page = client.get(reverse("portal:help")).content.decode()
    assert "+33 1 45" in page


def test_help_links_to_write_to_us_by_topic(client, country):
    _contacts(country)
    write = reverse("requests_inbox:create")
    page = client.get(reverse("portal:help") + "?country=FR").content.decode()
    assert f"{write}?category=invoices" in page


def test_pages_follow_the_users_language(client, company, company_admin, country):
    company_admin.preferred_language = "fr"
    company_admin.save()
    country.name_fr = "France métropolitaine"
    country.save()
    _contacts(country)
    login(client, company_admin, company)
    assert (
        "<h1>Demander l'accès</h1>" in client.get(reverse("portal:request_access")).content.decode()
    )
    assert "Membres et leurs droits" in client.get(reverse("portal:my_company")).content.decode()
    assert "France métropolitaine" in client.get(reverse("portal:help")).content.decode()


def test_home_offers_write_to_us_and_help(client, company, viewer):
    from tests.conftest import login as sign_in

    sign_in(client, viewer, company)
    page = client.get("/").content.decode()
    assert reverse("requests_inbox:create") in page and reverse("portal:help") in page
