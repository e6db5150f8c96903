from portal.files import ZIP, store_bytes
from portal.models import Authorization, Job, Membership, NotificationEntry, Role
from tests.factories.portal import UserFactory, member
from tests.security.matrix import Route


def _pending(company, user):
    """A pending request of a fresh user of `company` (its id is in the URL)."""
    requester = UserFactory()
    auth = Authorization.objects.create(
        user=requester, company=company, app=company.country.apps[0], justification="matrix"
    )
    return {"pk": auth.pk}


def _granted(company, user):
    colleague = member(company, role=Role.VIEWER, apps=[company.country.apps[0]])
    return {"pk": Authorization.objects.get(user=colleague, company=company).pk}


def _membership(company, user):
    colleague = member(company, role=None)
    return {"pk": Membership.objects.get(user=colleague, company=company).pk}


def _entry(company, user):
    """An entry of the acting user's notification centre (opening it follows its link)."""
    entry = NotificationEntry.objects.create(
        user=user, company=company, event="invoice_new", title="F-1", link="/invoices/"
    )
    return {"pk": entry.pk}


def _job(company, user):
    """A finished ZIP job of the acting user (its page and file are gated by Invoices)."""
    stored = store_bytes(
        b"PK\x05\x06" + b"\0" * 18, name="x.zip", content_type=ZIP, company=company
    )
    job = Job.objects.create(
        company=company,
        user=user,
        kind="invoices.zip",
        params={"numbers": ["X"]},
        total=1,
        state=Job.State.DONE,
        file=stored,
    )
    return {"pk": job.pk}


ROUTES = [
    Route("portal:jobs"),
    Route("portal:notifications"),
    Route("portal:bell", signed_out=204),
    Route("portal:notifications_read_all", method="POST", ok=(302,)),
    Route(
        "portal:notification_open",
        kwargs=_entry,
        ok=(302,),
        notes="the user's own entries only: another user's (of any company) is a 404",
    ),
    Route("portal:job", app="invoices", kwargs=_job),
    Route("portal:job_download", app="invoices", kwargs=_job),
    Route("portal:home", public=True),
    Route("portal:request_access", ok=(200,)),
    Route(
        "portal:switch_company",
        method="POST",
        data=lambda company, user: {"company": company.pk},
        ok=(302,),
    ),
    Route("portal:profile"),
    Route("portal:session_extend", method="POST", ok=(204,)),
    Route("portal:help", public=True),
    Route("portal:my_company", company_admin=True),
    Route(
        "portal:report_domains",
        method="POST",
        data=lambda company, user: {"domains": "partner.example"},
        ok=(302,),
        company_admin=True,
    ),
    Route(
        "portal:access_approve",
        method="POST",
        kwargs=_pending,
        data=lambda company, user: {"role": Role.VIEWER},
        ok=(302,),
        company_admin=True,
    ),
    Route(
        "portal:access_refuse",
        method="POST",
        kwargs=_pending,
        data=lambda company, user: {"note": "No."},
        ok=(302,),
        company_admin=True,
    ),
    Route(
        "portal:authorization_role",
        method="POST",
        kwargs=_granted,
        data=lambda company, user: {"role": Role.APPROVER},
        ok=(302,),
        company_admin=True,
    ),
    Route(
        "portal:authorization_revoke",
        method="POST",
        kwargs=_granted,
        data=lambda company, user: {"note": ""},
        ok=(302,),
        company_admin=True,
    ),
    Route(
        "portal:member_grant",
        method="POST",
        kwargs=_membership,
        data=lambda company, user: {"app": company.country.apps[0], "role": Role.VIEWER},
        ok=(302,),
        company_admin=True,
    ),
    Route(
        "portal:member_admin",
        method="POST",
        kwargs=_membership,
        data=lambda company, user: {"is_admin": "1"},
        ok=(302,),
        company_admin=True,
    ),
]
