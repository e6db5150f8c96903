"""Agents hear about new work at once: new requests, customer replies, assignments.

One e-mail per event through the outbox (written in the service's transaction), to
the assignee, else the queue address (REQUESTS_QUEUE_EMAIL), else every active
agent. A bad rating is for the team lead too: it goes to the assignee AND the queue
address (else every agent). The link opens the request in the admin, behind the
agents' sign-in.
"""

from typing import Any

from django.conf import settings

from portal.agents import agent_users
from portal.models import Event, User
from portal.notify import absolute_url, notify
from requests_inbox.models import Request

NEW = "new"
REPLY = "reply"
ASSIGNED = "assigned"
BAD_RATING = "bad_rating"


def agent_recipients(request: Request) -> list[User | str]:
    """The assignee, else the queue address, else every customer-service agent."""
    if request.assignee_id and request.assignee.is_active:
        return [request.assignee]
    queue = settings.REQUESTS_QUEUE_EMAIL
    if queue:
        return [queue]
    return list(agent_users())


def team_recipients(request: Request) -> list[User | str]:
    """The assignee and the queue address (else every agent), each address once."""
    queue = settings.REQUESTS_QUEUE_EMAIL
    team: list[User | str] = [queue] if queue else list(agent_users())
    if request.assignee_id and request.assignee.is_active:
        team.insert(0, request.assignee)
    seen: set[str] = set()
    unique: list[User | str] = []
    for recipient in team:
        address = (recipient.email if isinstance(recipient, User) else recipient).lower()
        if address not in seen:
            seen.add(address)
            unique.append(recipient)
    return unique


def alert_agents(
    request: Request, *, kind: str, actor: User | None = None, excerpt: str = ""
) -> int:
    """Queue the alert e-mails; the agent who caused the event is not told about it."""
    recipients = team_recipients(request) if kind == BAD_RATING else agent_recipients(request)
    sent = 0
    context: dict[str, Any] = {
        "kind": kind,
        "number": request.number,
        "subject": request.subject,
        "company_name": request.company.name,
        "excerpt": excerpt[:500],
        "actor": (actor.get_full_name() or actor.email) if actor is not None else "",
        "admin_url": absolute_url("admin:requests_inbox_request_change", request.pk),
    }
    for recipient in recipients:
        if actor is not None and getattr(recipient, "pk", None) == actor.pk:
            continue
        row = notify(
            event=Event.REQUEST,
            template="requests_inbox_agent_alert",
            recipient=recipient,
            context=context,
            company=request.company,
        )
        sent += row is not None
    return sent
