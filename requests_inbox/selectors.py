"""Reads of My requests that are more than a queryset chain."""

from typing import Any

from django.db.models import Prefetch

from portal.models import Company, StoredFile
from requests_inbox.models import Message, Request, StatusChange


def request_record(company: Company, obj: Request) -> dict[str, Any]:
    """What the customer sees of a request: the conversation (internal notes never), the
    documents both ways and the status history. Three queries."""
    conversation = list(
        Message.objects.for_company(company)
        .public()
        .filter(request=obj)
        .select_related("author")
        .prefetch_related(
            Prefetch("attachments", queryset=StoredFile.objects.order_by("created_at"))
        )
    )
    history = list(
        StatusChange.objects.for_company(company).filter(request=obj).select_related("actor")
    )
    return {
        "conversation": conversation,
        "documents": [(m, f) for m in conversation for f in m.attachments.all()],
        "history": history,
    }
