"""Request ids on every log line, and the security event log."""

import contextvars
import logging
import uuid
from collections.abc import Callable
from typing import Any, cast

from django.http import HttpRequest, HttpResponse

from portal.client_address import client_ip
from portal.http import PortalRequest

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
security_log = logging.getLogger("portal.security")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex
        token = _request_id.set(rid)
        cast(PortalRequest, request).request_id = rid
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response.headers["X-Request-ID"] = rid
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


def security_event(request: HttpRequest | None, event: str, **fields: Any) -> None:
    """One JSON line per security event: who, which company, from where. Never secrets."""
    data: dict[str, Any] = {"event": event, **fields}
    if request is not None:
        user = getattr(request, "user", None)
        company = getattr(request, "company", None)
        data.update(
            user_id=getattr(user, "pk", None)
            if user is not None and user.is_authenticated
            else None,
            company_id=getattr(company, "pk", None),
            client_ip=client_ip(request),
            path=request.path,
        )
    security_log.info(event, extra=data)
