"""The notification centre: each event's entry mirrors its e-mail (subject, first
paragraph, a link to its object, in the user's language), preferences choose e-mail,
the portal or both, the bell costs one indexed query, and nobody sees another's entries."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from contracts import services as contract_services
from contracts.models import ContractStatus
from invoices.copies import invoice_send_copy
from portal import jobs
from portal.models import Channel, Event, Notification, NotificationEntry, Role
from portal.notification_centre import unread_count
from portal.services import access_request_approve, access_request_submit
from requests_inbox.services import request_reply, request_submit
from tests.conftest import login
from tests.contracts.factories import contract_in
from tests.factories.portal import member
from tests.invoices.factories import InvoiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(db):
    from portal.agents import make_agent
    from tests.factories.portal import UserFactory

    user = UserFactory(email="agent@cs.test")
    make_agent([user])
    return user


def entries(user):
    return list(NotificationEntry.objects.filter(user=user).order_by("id"))


def test_an_answer_to_my_request_is_an_entry_linking_to_it_and_the_acknowledgement_is_not(
    company, viewer, agent, mailoutbox, django_capture_on_commit_callbacks
):
    viewer.preferred_language = "fr"
    viewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        req = request_submit(
            company=company, user=viewer, category="other", subject="Toner", message="Help"
        )
    assert entries(viewer) == []  # her own request's acknowledgement: e-mail only
    with django_capture_on_commit_callbacks(execute=True):
        request_reply(request=req, agent=agent, body="Sent yesterday.")
    (entry,) = entries(viewer)
    assert entry.link == reverse("requests_inbox:detail", kwargs={"number": req.number})
    assert entry.title == f"[{req.number}] Le service clients a répondu : Toner"
    assert entry.title == mailoutbox[-1].subject  # the e-mail's subject, in French
    assert "Toner" in entry.summary and entry.company == company
    assert entry.event == Event.REQUEST and entry.outbox.template == "requests_inbox_answer"


def test_a_contract_waiting_for_my_approval_and_one_expiring_are_entries(company, approver, viewer):
    today = timezone.localdate()
    contract = contract_in(
        ContractStatus.ACTIVE, company, actor=approver, end_date=today + datetime.timedelta(days=30)
    )
    contract_services.contract_expiry_notices(today=today)
    (entry,) = entries(viewer)
    assert entry.link == reverse("contracts:detail", kwargs={"number": contract.number})
    assert entry.title == f"Contract {contract.number} expires in 30 days"
    assert entry.event == Event.CONTRACT_EXPIRY
    contract_services.contract_expiry_notices(today=today)  # a re-run adds nothing
    assert len(entries(viewer)) == 1
    contract_services._notify_action(contract, approver, action="approve")
    entry = entries(approver)[-1]
    assert entry.title == f"Action required: approve contract {contract.number}"
    assert "is waiting for your approval" in entry.summary


def test_an_invoice_copied_to_a_colleague_is_her_entry_without_the_share_link(
    company, viewer, approver, mailoutbox, django_capture_on_commit_callbacks
):
    invoice = InvoiceFactory(company=company, number="F-BELL")
    with django_capture_on_commit_callbacks(execute=True):
        invoice_send_copy(
            invoice=invoice,
            user=viewer,
            recipients=f"{approver.email.upper()}, someone@outside.test",
            mode="link",
        )
    (entry,) = entries(approver)  # the outside address has no account: e-mail only
    assert entry.link == reverse("invoices:detail", kwargs={"number": "F-BELL"})
    assert entry.event == Event.INVOICE_COPY
    assert "shared invoice F-BELL with you" in entry.title
    mail = next(m for m in mailoutbox if m.to == [approver.email])
    token_link = next(line for line in mail.body.splitlines() if "/shared/" in line)
    assert token_link.strip() not in entry.summary + entry.title + entry.link
    assert "://" not in entry.summary
    assert sorted(m.to[0] for m in mailoutbox) == [approver.email, "someone@outside.test"]


def test_an_access_decision_and_a_request_waiting_for_the_administrator_are_entries(
    company, company_admin, django_capture_on_commit_callbacks
):
    newcomer = member(company, role=None)
    auth = access_request_submit(
        user=newcomer, app="invoices", justification="Pay", company=company
    )
    (waiting,) = entries(company_admin)
    assert waiting.link == reverse("portal:my_company") + f"?company={company.pk}"
    assert waiting.title.startswith("Access request:")
    access_request_approve(authorization=auth, actor=company_admin)
    (decision,) = entries(newcomer)
    assert decision.link == reverse("invoices:list")
    assert decision.title == "Access granted: Invoices On-Line"


def test_a_finished_zip_is_an_entry_linking_to_its_page(
    company, viewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_start(
            company=company, user=viewer, kind="invoices.zip", params={"numbers": []}
        )
    job.refresh_from_db()
    assert job.state == job.State.DONE
    (entry,) = entries(viewer)
    assert entry.link == reverse("portal:job", kwargs={"pk": job.pk})
    assert entry.title == "Your ZIP of invoices is ready" and entry.event == Event.JOB_DONE


# --- preferences -------------------------------------------------------------------


def _expiring(company, approver):
    today = timezone.localdate()
    contract_in(
        ContractStatus.ACTIVE, company, actor=approver, end_date=today + datetime.timedelta(days=7)
    )
    return today


def test_email_only_writes_no_entry_and_portal_only_sends_no_email(
    company, approver, mailoutbox, django_capture_on_commit_callbacks
):
    by_mail = member(company, role=Role.VIEWER, notification_prefs={"contract_expiry": "email"})
    in_portal = member(company, role=Role.VIEWER, notification_prefs={"contract_expiry": "portal"})
    neither = member(company, role=Role.VIEWER, notification_prefs={"contract_expiry": "none"})
    today = _expiring(company, approver)
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.contract_expiry_notices(today=today)
    mailed = {m.to[0] for m in mailoutbox}
    assert by_mail.email in mailed and entries(by_mail) == []
    assert in_portal.email not in mailed and len(entries(in_portal)) == 1
    row = entries(in_portal)[0].outbox
    assert row.status == Notification.Status.IN_PORTAL_ONLY and row.subject
    assert neither.email not in mailed and entries(neither) == []
    expiry = [e for e in entries(approver) if e.event == Event.CONTRACT_EXPIRY]
    assert len(expiry) == 1 and approver.email in mailed  # default: both
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.contract_expiry_notices(today=today)  # exactly once, also in-portal
    assert len(entries(in_portal)) == 1


def test_transactional_events_cannot_be_switched_off_and_reports_have_no_portal_twin(viewer):
    viewer.notification_prefs = {"access": "none", "order_report": "portal"}
    assert viewer.channel("access") == Channel.BOTH
    assert viewer.channel("order_report") == Channel.EMAIL
    assert viewer.channel("monthly_statement") == Channel.NONE  # opt-in
    viewer.notification_prefs = {"monthly_statement": True}  # a former opt-in
    assert viewer.channel("monthly_statement") == Channel.BOTH


def test_the_profile_saves_a_channel_per_event(client, company, viewer):
    login(client, viewer, company)
    page = client.get(reverse("portal:profile")).text
    assert 'id="notification-preferences"' in page
    response = client.post(
        reverse("portal:profile"),
        {
            "first_name": "V",
            "last_name": "W",
            "preferred_language": "en",
            "event_monthly_statement": "portal",
            "event_request": "email",
        },
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.channel("monthly_statement") == Channel.PORTAL
    assert viewer.channel("request") == Channel.EMAIL
    bad = client.post(
        reverse("portal:profile"),
        {"first_name": "V", "preferred_language": "en", "event_access": "none"},
    )
    assert bad.status_code == 200 and "Select a valid choice" in bad.text


def test_the_data_migration_keeps_the_monthly_statement_opt_in(viewer):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("portal.migrations.0012_notification_prefs_channels")
    viewer.notification_prefs = {"monthly_statement": True, "contract_expiry": False}
    viewer.save()
    migration.to_channels(apps, None)
    viewer.refresh_from_db()
    assert viewer.notification_prefs == {"monthly_statement": "both", "contract_expiry": "none"}
    assert viewer.wants_email("monthly_statement") and not viewer.wants("contract_expiry")


# --- the bell, the page, opening -----------------------------------------------------


def _entry(user, company, link="/invoices/", title="T", **extra):
    return NotificationEntry.objects.create(
        user=user, company=company, event=Event.INVOICE_NEW, title=title, link=link, **extra
    )


def test_the_unread_count_is_one_query_on_the_partial_index(
    viewer, approver, company, django_assert_num_queries
):
    for _ in range(3):
        _entry(viewer, company)
    _entry(viewer, company, read_at=timezone.now())
    _entry(approver, company)
    with django_assert_num_queries(1):
        assert unread_count(viewer) == 3
    sql = str(NotificationEntry.objects.of_user(viewer).unread().only("pk").query)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(
                "EXPLAIN SELECT COUNT(*) FROM portal_notificationentry "
                "WHERE user_id = %s AND read_at IS NULL",
                [viewer.pk],
            )
        else:
            cursor.execute(
                "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM portal_notificationentry "
                "WHERE user_id = %s AND read_at IS NULL",
                [viewer.pk],
            )
        plan = " ".join(str(row) for row in cursor.fetchall())
    # an index lookup by user, never a scan of everybody's entries
    assert "INDEX" in plan.upper() and "Seq Scan" not in plan and "SCAN portal" not in plan, plan
    assert "read_at" in sql


def test_the_bell_says_the_count_and_the_poll_costs_one_query_more_than_any_page(
    client, company, viewer, django_assert_max_num_queries
):
    login(client, viewer, company)
    _entry(viewer, company)
    _entry(viewer, company)
    client.get(reverse("portal:bell"))  # the session settles
    # (session unless cached,) user, memberships, and the count
    with django_assert_max_num_queries(4) as captured:
        response = client.get(reverse("portal:bell"), HTTP_HX_REQUEST="true")
    counting = [q["sql"] for q in captured.captured_queries if "notificationentry" in q["sql"]]
    assert len(counting) == 1 and "COUNT" in counting[0].upper()
    assert "Notifications, 2 unread" in response.text
    assert 'hx-trigger="every 60s' in response.text
    home = client.get(reverse("portal:home")).text
    assert 'id="bell"' in home and "Notifications, 2 unread" in home
    assert 'aria-live="polite" aria-atomic="true" id="bell-announcer"' in home


def test_opening_an_entry_marks_it_read_and_follows_its_link(client, company, viewer):
    entry = _entry(viewer, company)
    login(client, viewer, company)
    response = client.get(reverse("portal:notification_open", args=[entry.pk]))
    assert response.status_code == 302 and response["Location"] == "/invoices/"
    entry.refresh_from_db()
    assert entry.read_at is not None
    assert "Notifications, none unread" in client.get(reverse("portal:notifications")).text


def test_another_users_entry_is_a_404_and_stays_unread(client, company, viewer, approver):
    entry = _entry(approver, company, title="Only for the approver")
    _entry(viewer, company, title="Mine")
    login(client, viewer, company)
    assert client.get(reverse("portal:notification_open", args=[entry.pk])).status_code == 404
    entry.refresh_from_db()
    assert entry.read_at is None
    page = client.get(reverse("portal:notifications")).text
    assert "Mine" in page and "Only for the approver" not in page
    assert "Notifications, 1 unread" in page
    client.post(reverse("portal:notifications_read_all"))
    entry.refresh_from_db()
    assert entry.read_at is None  # "mark all read" is mine only


def test_id_emails_with_a_token_are_never_entries(client, viewer, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": viewer.email})
    assert Notification.objects.filter(recipient=viewer.email).exists()
    assert not NotificationEntry.objects.exists()


def test_an_entry_of_another_company_switches_to_it(client, company, other_company, viewer):
    Membership = viewer.memberships.model
    Membership.objects.create(user=viewer, company=other_company)
    invoice = InvoiceFactory(company=other_company, number="F-OTHER")
    entry = _entry(viewer, other_company, link=invoice.get_absolute_url())
    login(client, viewer, company)
    response = client.get(reverse("portal:notification_open", args=[entry.pk]), follow=True)
    assert response.status_code in (200, 302)
    assert client.session["active_company_id"] == other_company.pk
    assert "it is now your active company" in response.text


def test_an_entry_whose_object_is_no_longer_mine_ends_on_the_gates_404(
    client, company, other_company, viewer
):
    invoice = InvoiceFactory(company=other_company, number="F-GONE")
    entry = _entry(viewer, other_company, link=invoice.get_absolute_url())  # membership gone
    login(client, viewer, company)
    response = client.get(reverse("portal:notification_open", args=[entry.pk]), follow=True)
    assert response.status_code == 404
    assert client.session["active_company_id"] == company.pk


def test_the_page_lists_newest_first_in_pages_and_marks_all_read(client, company, viewer):
    for i in range(25):
        _entry(viewer, company, title=f"Entry {i:02d}")
    login(client, viewer, company)
    page = client.get(reverse("portal:notifications")).text
    assert page.index("Entry 24") < page.index("Entry 23") and "Entry 04" not in page
    assert "Page 1 of 2" in page and "25 unread notifications" in page
    response = client.post(reverse("portal:notifications_read_all"), follow=True)
    assert "All your notifications are marked as read." in response.text
    assert unread_count(viewer) == 0


def test_the_page_in_french(client, company, viewer):
    viewer.preferred_language = "fr"
    viewer.save()
    _entry(viewer, company)
    login(client, viewer, company)
    page = client.get(reverse("portal:notifications")).text
    assert "Tout marquer comme lu" in page and "Notifications, 1 non lue" in page
