"""My requests in the authorization matrix: every URL of the app.

Objects are built as requests of the acting user (a customer sees their own);
the other-company check uses them from a user of another company: 404.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from portal.models import Topic
from requests_inbox.models import Status
from requests_inbox.services import request_reply, request_submit
from tests.factories.portal import UserFactory
from tests.security.matrix import Route

APP = "requests"


def _request(company, user, **extra):
    return request_submit(
        company=company,
        user=user,
        category=Topic.OTHER,
        subject="Matrix question",
        message="Hello",
        **extra,
    )


def _number(company, user):
    return {"number": _request(company, user).number}


def _answered(company, user):
    req = _request(company, user)
    agent = UserFactory(is_staff=True)
    request_reply(request=req, agent=agent, body="Here is the answer.")
    return {"number": req.number}


def _file(company, user):
    req = _request(
        company, user, attachments=[SimpleUploadedFile("note.pdf", b"%PDF-1.4\n%matrix\n")]
    )
    stored = req.messages.get().attachments.get()
    return {"number": req.number, "file_id": stored.pk}


def _closed(company, user):
    req = _request(company, user)
    req.status = Status.CLOSED
    from django.utils import timezone

    req.closed_at = timezone.now()
    req.save()
    return {"number": req.number}


ROUTES = [
    Route("requests_inbox:list", app=APP),
    Route("requests_inbox:export", app=APP),
    Route("requests_inbox:create", app=APP),
    Route(
        "requests_inbox:create",
        app=APP,
        method="POST",
        data=lambda c, u: {"subject": "Hi", "category": "other", "message": "Hello"},
        ok=(302,),
        notes="write to us",
    ),
    Route("requests_inbox:detail", app=APP, kwargs=_number),
    Route(
        "requests_inbox:reply",
        app=APP,
        method="POST",
        kwargs=_number,
        data=lambda c, u: {"body": "More details"},
        ok=(302,),
    ),
    Route("requests_inbox:close", app=APP, method="POST", kwargs=_number, ok=(302,)),
    Route("requests_inbox:reopen", app=APP, method="POST", kwargs=_closed, ok=(302,)),
    Route("requests_inbox:rate", app=APP, kwargs=_answered),
    Route(
        "requests_inbox:rate",
        app=APP,
        method="POST",
        kwargs=_answered,
        data=lambda c, u: {"rating": "good"},
        ok=(302,),
    ),
    Route("requests_inbox:attachment", app=APP, kwargs=_file),
]
