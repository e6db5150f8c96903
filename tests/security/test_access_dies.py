"""What works without a session dies with its owner's access (issue 14 item 9).

The calendar feed (a token URL read by calendar clients) and the invoice share link
(a token URL sent to a colleague) are checked against the owner's access at every
use: removed from the company, deactivated or the application revoked, and the URL
stops working.
"""

import pytest
from django.urls import reverse

from contracts import services as contract_services
from invoices.copies import invoice_send_copy, new_link_token
from invoices.models import ShareLink
from portal import services as portal_services
from portal.models import Authorization, Membership
from tests.invoices.factories import InvoiceFactory

pytestmark = pytest.mark.django_db


def lose_membership(user, company, admin):
    Membership.objects.filter(user=user, company=company).delete()


def lose_application(app):
    def revoke(user, company, admin):
        auth = Authorization.objects.get(user=user, company=company, app=app)
        portal_services.authorization_revoke(authorization=auth, actor=admin)

    return revoke


def deactivate(user, company, admin):
    user.is_active = False
    user.save(update_fields=["is_active"])


@pytest.mark.parametrize(
    "lose_access",
    [lose_membership, lose_application("contracts"), deactivate],
    ids=["membership", "authorization", "deactivated"],
)
def test_calendar_feed_dies_with_its_owners_access(
    client, viewer, company, company_admin, lose_access
):
    _feed, token = contract_services.calendar_feed_create(company=company, user=viewer)
    url = reverse("contracts:calendar_feed", kwargs={"token": token})
    assert client.get(url).status_code == 200
    lose_access(viewer, company, company_admin)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "lose_access",
    [lose_membership, lose_application("invoices"), deactivate],
    ids=["membership", "authorization", "deactivated"],
)
def test_share_link_dies_with_its_senders_access(
    client, viewer, company, company_admin, lose_access
):
    invoice = InvoiceFactory(company=company, number="F-SHARED")
    (link,) = invoice_send_copy(
        invoice=invoice, user=viewer, recipients=["colleague@outside.test"], mode="link"
    )
    token = new_link_token()
    ShareLink.objects.filter(pk=link.pk).update(token_hash=ShareLink.hash_token(token))
    page = reverse("invoices:shared", args=[token])
    pdf = reverse("invoices:shared_pdf", args=[token])
    assert client.get(page).status_code == 200

    lose_access(viewer, company, company_admin)
    gone = client.get(page)
    assert gone.status_code == 410
    assert "no longer has access" in gone.text and "F-SHARED" not in gone.text
    assert client.get(pdf).status_code == 410
