"""Object links of another company the user belongs to switch the active company."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from portal.middleware import ACTIVE_COMPANY_KEY
from portal.models import Authorization, Membership, Role
from tests.conftest import login
from tests.factories.portal import member
from tests.requests_inbox.factories import RequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def multi(company, other_company):
    """Viewer of every application in both companies; ACME (company) is active."""
    user = member(company, role=Role.VIEWER, email="multi@example.com")
    Membership.objects.create(user=user, company=other_company)
    for app in other_company.country.apps:
        Authorization.objects.create(
            user=user, company=other_company, app=app, role=Role.VIEWER, status="granted"
        )
    return user


def test_link_to_other_company_object_switches_with_notice(client, multi, company, other_company):
    globex_request = RequestFactory(company=other_company, requester=multi)
    login(client, multi, company)
    url = reverse("requests_inbox:detail", kwargs={"number": globex_request.number})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == url
    assert client.session[ACTIVE_COMPANY_KEY] == other_company.pk
    page = client.get(url)
    assert page.status_code == 200
    assert globex_request.subject in page.content.decode()
    assert "it is now your active company" in page.content.decode()


def test_own_company_object_does_not_switch(client, multi, company, other_company):
    mine = RequestFactory(company=company, requester=multi)
    login(client, multi, company)
    response = client.get(reverse("requests_inbox:detail", kwargs={"number": mine.number}))
    assert response.status_code == 200
    assert client.session[ACTIVE_COMPANY_KEY] == company.pk


def test_without_the_application_there_it_is_a_404(client, company, other_company):
    user = member(company, role=Role.VIEWER, email="half@example.com")
    Membership.objects.create(user=user, company=other_company)  # no rights there
    globex_request = RequestFactory(company=other_company)
    login(client, user, company)
    url = reverse("requests_inbox:detail", kwargs={"number": globex_request.number})
    assert client.get(url).status_code == 404
    assert client.session[ACTIVE_COMPANY_KEY] == company.pk


def test_non_member_gets_the_same_404_as_a_missing_object(client, viewer, other_company):
    globex_request = RequestFactory(company=other_company)
    login(client, viewer)
    existing = client.get(reverse("requests_inbox:detail", args=[globex_request.number]))
    missing = client.get(reverse("requests_inbox:detail", args=["CS-2026-999999"]))
    assert existing.status_code == missing.status_code == 404
    assert globex_request.subject not in existing.content.decode()
    assert existing.templates[0].name == missing.templates[0].name == "404.html"


def test_missing_object_in_every_company_is_a_404(client, multi, company):
    login(client, multi, company)
    response = client.get(reverse("requests_inbox:detail", args=["CS-2026-999999"]))
    assert response.status_code == 404
    assert client.session[ACTIVE_COMPANY_KEY] == company.pk


def test_post_never_switches(client, multi, company, other_company):
    globex_request = RequestFactory(company=other_company, requester=multi)
    login(client, multi, company)
    response = client.post(
        reverse("requests_inbox:reply", args=[globex_request.number]), {"body": "x"}
    )
    assert response.status_code == 404
    assert client.session[ACTIVE_COMPANY_KEY] == company.pk


# --- links that name their company (?company=): a standard order report is the same
# address in every company, so its e-mail says which one.


def _emailed_report_link(sender, company, recipient, mailoutbox, capture):
    """The report e-mail a colleague sends, as the recipient gets it: its report link."""
    import re

    from orders import services as order_services
    from orders.reports import resolve_report

    report = resolve_report(company, sender, "open-orders")
    with capture(execute=True):
        order_services.report_email(
            company=company,
            sender=sender,
            report=report,
            recipients=[recipient.email],
            fmt="csv",
            attach=False,
        )
    body = mailoutbox[-1].body
    link = urlsplit(re.search(r"https?://\S+/orders/reports/open-orders/\S*", body).group(0))
    return f"{link.path}?{link.query}"


@pytest.fixture
def orders_of_both(company, other_company):
    from tests.orders.factories import OrderFactory

    OrderFactory(company=company, number="ACME-OPEN-1")
    OrderFactory(company=other_company, number="GLOBEX-OPEN-1")


def test_an_emailed_report_link_switches_to_its_company(
    client,
    multi,
    company,
    other_company,
    orders_of_both,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    sender = member(other_company, role=Role.VIEWER, email="sender@other.test")
    path = _emailed_report_link(
        sender, other_company, multi, mailoutbox, django_capture_on_commit_callbacks
    )
    assert path == f"/orders/reports/open-orders/?company={other_company.pk}"
    login(client, multi, company)  # ACME active
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/orders/reports/open-orders/"
    assert client.session[ACTIVE_COMPANY_KEY] == other_company.pk
    page = client.get(response["Location"]).content.decode()
    assert "GLOBEX-OPEN-1" in page and "ACME-OPEN-1" not in page
    assert "This link belongs to Other Company: it is now your active company." in page


def test_a_report_link_signed_out_lands_on_the_report_of_its_company(
    client,
    multi,
    company,
    other_company,
    orders_of_both,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    sender = member(other_company, role=Role.VIEWER, email="sender@other.test")
    path = _emailed_report_link(
        sender, other_company, multi, mailoutbox, django_capture_on_commit_callbacks
    )
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    page = client.post(
        response["Location"],
        {"login": multi.email, "password": "correct-horse-battery"},
        follow=True,
    )
    assert page.request["PATH_INFO"] == "/orders/reports/open-orders/"
    text = page.content.decode()
    assert "GLOBEX-OPEN-1" in text and "ACME-OPEN-1" not in text


def test_a_report_link_of_a_company_without_the_application_is_a_404(
    client,
    company,
    other_company,
    orders_of_both,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Orders in ACME, none in Globex: the Globex report link is the usual 404 (never
    ACME's report in its place)."""
    user = member(company, role=Role.VIEWER, email="two@example.com")
    Membership.objects.create(user=user, company=other_company)
    sender = member(other_company, role=Role.VIEWER, email="sender@other.test")
    path = _emailed_report_link(
        sender, other_company, user, mailoutbox, django_capture_on_commit_callbacks
    )
    login(client, user, company)
    response = client.get(path)
    assert response.status_code == 404
    assert client.session[ACTIVE_COMPANY_KEY] == company.pk
    assert "ACME-OPEN-1" not in response.content.decode()


def test_a_link_naming_a_company_of_somebody_else_is_a_404(
    client, viewer, company, other_company, orders_of_both
):
    login(client, viewer, company)
    url = reverse("orders:report", kwargs={"key": "open-orders"})
    assert client.get(f"{url}?company={other_company.pk}").status_code == 404
    assert client.get(f"{url}?company=99999999999999999999").status_code == 404
    assert client.session[ACTIVE_COMPANY_KEY] == company.pk
    # Its own company named: the page, without the parameter, and no notice.
    response = client.get(f"{url}?company={company.pk}")
    assert response.status_code == 302 and response["Location"] == url
    assert "ACME-OPEN-1" in client.get(url).content.decode()


# --- the "your ZIP is ready" e-mail links to the job's page (the user's own job).


def _zip_ready_link(user, company, mailoutbox, capture):
    import re

    from portal import jobs
    from portal.models import Job

    job = Job.objects.create(
        company=company, user=user, kind="invoices.zip", params={"numbers": []}, total=0
    )
    with capture(execute=True):
        assert jobs.job_run(job.pk).state == Job.State.DONE
    link = urlsplit(re.search(r"https?://\S+/files/\d+/", mailoutbox[-1].body).group(0))
    return job, link.path


def test_the_zip_ready_link_of_the_other_company_switches_to_it(
    client, multi, company, other_company, mailoutbox, django_capture_on_commit_callbacks
):
    job, path = _zip_ready_link(
        multi, other_company, mailoutbox, django_capture_on_commit_callbacks
    )
    assert path == reverse("portal:job", args=[job.pk])
    login(client, multi, company)  # ACME active, the ZIP was made in the other company
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == path
    assert client.session[ACTIVE_COMPANY_KEY] == other_company.pk
    page = client.get(path).content.decode()
    assert "This link belongs to Other Company: it is now your active company." in page
    assert reverse("portal:job_download", args=[job.pk]) in page


def test_the_zip_ready_link_signed_out_lands_on_the_job(
    client, multi, company, other_company, mailoutbox, django_capture_on_commit_callbacks
):
    job, path = _zip_ready_link(
        multi, other_company, mailoutbox, django_capture_on_commit_callbacks
    )
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(
        response["Location"], {"login": multi.email, "password": "correct-horse-battery"}
    )
    while response.status_code == 302:
        response = client.get(response["Location"])
    assert response.status_code == 200 and response.request["PATH_INFO"] == path
    assert reverse("portal:job_download", args=[job.pk]) in response.content.decode()


def test_a_job_link_is_a_404_without_the_application_there_or_for_somebody_else(
    client, multi, company, other_company, mailoutbox, django_capture_on_commit_callbacks
):
    job, path = _zip_ready_link(
        multi, other_company, mailoutbox, django_capture_on_commit_callbacks
    )
    Authorization.objects.filter(user=multi, company=other_company, app="invoices").update(
        status=Authorization.Status.REVOKED
    )
    login(client, multi, company)
    assert client.get(path).status_code == 404
    assert client.get(reverse("portal:job_download", args=[job.pk])).status_code == 404
    assert client.session[ACTIVE_COMPANY_KEY] == company.pk
    # A colleague of the company the job was made in: the same 404.
    colleague = member(other_company, role=Role.VIEWER, email="colleague@other.test")
    login(client, colleague, other_company)
    assert client.get(path).status_code == 404


# --- "access granted": the link opens the application in the company that granted it.


def test_the_access_granted_link_opens_the_application_of_that_company(
    client, company, other_company, mailoutbox, django_capture_on_commit_callbacks
):
    import re

    from portal.services import access_request_approve, access_request_submit
    from tests.orders.factories import OrderFactory

    OrderFactory(company=company, number="ACME-OPEN-1")
    OrderFactory(company=other_company, number="GLOBEX-OPEN-1")
    user = member(company, role=Role.VIEWER, email="two@example.com")  # orders in ACME
    Membership.objects.create(user=user, company=other_company)
    admin = member(other_company, role=Role.VIEWER, admin=True, email="boss@other.test")
    with django_capture_on_commit_callbacks(execute=True):
        auth = access_request_submit(
            user=user, app="orders", justification="Our deliveries", company=other_company
        )
        access_request_approve(authorization=auth, actor=admin)
    body = mailoutbox[-1].body
    link = urlsplit(re.search(r"https?://\S+/orders/\S*", body).group(0))
    assert f"company={other_company.pk}" in link.query
    login(client, user, company)  # ACME active
    response = client.get(f"{link.path}?{link.query}")
    assert response.status_code == 302
    assert client.session[ACTIVE_COMPANY_KEY] == other_company.pk
    page = client.get(response["Location"]).content.decode()
    assert "GLOBEX-OPEN-1" in page and "ACME-OPEN-1" not in page
    assert "This link belongs to Other Company: it is now your active company." in page


# --- a colleague without the application: a clear refusal, nothing of the object.


@pytest.mark.parametrize(
    ("language", "says"),
    [
        (
            "en",
            "The page you opened is part of Invoices On-Line, which you cannot use for "
            "ACME France SA. Ask for access with the form below.",
        ),
        (
            "fr",
            "La page que vous avez ouverte fait partie de Factures en ligne, que vous ne "
            "pouvez pas utiliser pour ACME France SA. Demandez l’accès avec le formulaire "
            "ci-dessous.",
        ),
    ],
)
def test_a_colleague_without_the_application_is_told_why_and_sees_nothing(
    client, company, language, says
):
    import html
    import re

    from tests.invoices.factories import InvoiceFactory

    invoice = InvoiceFactory(company=company)
    colleague = member(company, role=None, email="new@acme.test", preferred_language=language)
    login(client, colleague, company)
    page = client.get(reverse("invoices:detail", kwargs={"number": invoice.number}), follow=True)
    assert page.request["PATH_INFO"] == reverse("portal:request_access")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.content.decode())).split())
    assert says in text
    assert invoice.number not in text  # visible text: nothing of the invoice
    assert "1,200.00" not in text and "1 200,00" not in text
    # The request-access page opened on its own says nothing of a page.
    plain = client.get(reverse("portal:request_access") + "?app=invoices").content.decode()
    assert "The page you opened" not in plain and "La page que vous avez ouverte" not in plain


def test_the_access_request_link_to_an_administrator_of_two_companies_says_it_switched(
    client, company, other_company, viewer
):
    """The 'access request' e-mail names the company on the My company link
    (/company/?company=<id>): its administrator, with another company active, is told."""
    Membership.objects.create(user=viewer, company=other_company, is_company_admin=True)
    login(client, viewer, company)
    response = client.get(reverse("portal:my_company") + f"?company={other_company.pk}")
    assert response["Location"] == reverse("portal:my_company")
    page = client.get(response["Location"]).content.decode()
    assert "This link belongs to Other Company: it is now your active company." in page
    # Already active: no notice.
    client.get(reverse("portal:my_company") + f"?company={other_company.pk}")
    assert "it is now your active company" not in client.get(response["Location"]).text


def test_the_access_refused_link_opens_request_access_for_that_company(
    client, company, other_company, mailoutbox, django_capture_on_commit_callbacks
):
    import re

    from portal.services import access_request_refuse, access_request_submit

    user = member(company, role=Role.VIEWER, email="two@example.com")
    Membership.objects.create(user=user, company=other_company)
    admin = member(other_company, role=Role.VIEWER, admin=True, email="boss@other.test")
    with django_capture_on_commit_callbacks(execute=True):
        auth = access_request_submit(
            user=user, app="orders", justification="Our deliveries", company=other_company
        )
        access_request_refuse(authorization=auth, actor=admin, note="Ask Léa")
    link = urlsplit(re.search(r"https?://\S+/access/request/\S*", mailoutbox[-1].body).group(0))
    assert f"company={other_company.pk}" in link.query
    login(client, user, company)  # ACME active
    response = client.get(f"{link.path}?{link.query}")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:request_access") + "?app=orders"
    assert client.session[ACTIVE_COMPANY_KEY] == other_company.pk
    page = client.get(response["Location"]).content.decode()
    assert "You are asking for <strong>Other Company</strong>" in page
    assert "This link belongs to Other Company: it is now your active company." in page
    # A company the user does not belong to is only dropped from the address.
    response = client.get(
        reverse("portal:request_access") + f"?app=orders&company={company.pk + 999}"
    )
    assert response["Location"] == reverse("portal:request_access") + "?app=orders"
    assert client.session[ACTIVE_COMPANY_KEY] == other_company.pk


def test_an_access_decision_by_customer_number_never_names_the_company_id(
    client, company, mailoutbox, django_capture_on_commit_callbacks
):
    from portal.services import access_request_refuse, access_request_submit
    from tests.factories.portal import UserFactory

    outsider = UserFactory(email="someone@elsewhere.test")
    admin = member(company, role=Role.VIEWER, admin=True, email="boss@acme.test")
    with django_capture_on_commit_callbacks(execute=True):
        auth = access_request_submit(
            user=outsider,
            app="orders",
            justification="We are customers",
            customer_number=company.customer_number,
        )
        access_request_refuse(authorization=auth, actor=admin, note="")
    assert "company=" not in mailoutbox[-1].body
