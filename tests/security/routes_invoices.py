"""Every URL of Invoices On-Line in the authorization matrix."""

from datetime import timedelta

from django.utils import timezone

from invoices.copies import new_link_token
from invoices.models import ShareLink
from tests.invoices.factories import InvoiceFactory
from tests.security.matrix import Route

APP = "invoices"


def _invoice(company, user):
    return {"number": InvoiceFactory(company=company).number}


def _share(invoice, user):
    token = new_link_token()
    link = ShareLink.objects.create(
        invoice=invoice,
        token_hash=ShareLink.hash_token(token),
        recipient="guest@x.test",
        created_by=user,
        expires_at=timezone.now() + timedelta(days=1),
    )
    return link, token


def _link(company, user):
    """A link sent by the acting user (the sender may revoke it)."""
    invoice = InvoiceFactory(company=company)
    link, _token = _share(invoice, user)
    return {"number": invoice.number, "pk": link.pk}


def _token(company, user):
    """A working share link of this company's invoice: the public page needs only the token."""
    _link, token = _share(InvoiceFactory(company=company), user)
    return {"token": token}


ROUTES = [
    Route("invoices:list", app=APP),
    Route("invoices:export", app=APP, notes="?fmt=csv|xlsx; the selection of the active company"),
    Route(
        "invoices:zip_selection",
        app=APP,
        method="POST",
        data=lambda c, u: {"numbers": [InvoiceFactory(company=c).number]},
    ),
    Route("invoices:shared", public=True, kwargs=_token),
    Route("invoices:shared_pdf", public=True, kwargs=_token),
    Route("invoices:detail", app=APP, kwargs=_invoice),
    Route("invoices:pdf", app=APP, kwargs=_invoice),
    Route("invoices:pdf_download", app=APP, kwargs=_invoice),
    Route("invoices:facturx", app=APP, kwargs=_invoice),
    Route("invoices:copy", app=APP, kwargs=_invoice),
    Route(
        "invoices:revoke_link",
        app=APP,
        kwargs=_link,
        method="POST",
        ok=(302,),
    ),
    Route(
        "invoices:decide",
        app=APP,
        role="approver",
        kwargs=_invoice,
        method="POST",
        data=lambda c, u: {"decision": "approve"},
        ok=(302,),
    ),
    Route("invoices:dispute", app=APP, role="approver", kwargs=_invoice),
]
