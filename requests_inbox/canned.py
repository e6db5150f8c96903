"""Canned answers (macros): the ones offered for a request, and their text filled in.

Only the listed {placeholders} are replaced (a plain substitution, no format language),
so a macro can neither read attributes nor break on a stray brace."""

import re

from django.db.models import Case, IntegerField, QuerySet, Value, When

from portal.models import User
from portal.notify import absolute_url
from requests_inbox.models import CannedAnswer, Request

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def canned_answers_for(request: Request) -> QuerySet:
    """Active macros in the requester's language, those of the request's category first."""
    language = request.requester.preferred_language or "en"
    return (
        CannedAnswer.objects.filter(is_active=True, language=language)
        .annotate(
            rank=Case(
                When(category=request.category, then=Value(0)),
                When(category="", then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .filter(rank__lt=2)
        .order_by("rank", "title")
    )


def canned_answer_text(*, answer: CannedAnswer, request: Request, agent: User) -> str:
    values = {
        "customer_name": request.requester.get_full_name() or request.requester.email,
        "tracking_number": request.number,
        "subject": request.subject,
        "request_link": absolute_url("requests_inbox:detail", number=request.number),
        "agent_name": agent.get_full_name() or agent.email,
        "company_name": request.company.name,
    }
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), answer.body)
