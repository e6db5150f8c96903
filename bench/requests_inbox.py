"""My requests at scale: one company with 10,000 requests and 100,000 messages.

Measured: the list's first and a deep page, search by tracking number and by
subject words, filters, a sort, and the request page of a long conversation
(constant query count whatever the page size; median < 50 ms on PostgreSQL).
"""

import random
import uuid
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from bench.core import Context, Page

NAME = "requests_inbox"
TARGET_MEDIAN_MS = 50  # the issue: median server time under 50 ms
REQUESTS = 10_000
MESSAGES_PER_REQUEST = 10
BATCH = 5000
WORDS = (
    "invoice copy toner printer contract renewal delivery address server move license "
    "maintenance credit note payment access badge warranty spare part quote"
).split()
STATUSES = ["new", "in_progress", "answered", "closed"]
CATEGORIES = ["contracts", "orders", "invoices", "statements", "inventory", "other"]


def _number(company_pk: int, i: int) -> str:
    return f"CS-B{company_pk}-{i:06d}"


def seed(ctx: Context) -> None:
    """Bulk-create the dataset for ctx.company (idempotent: skipped when already there)."""
    from portal.models import StoredFile
    from requests_inbox.models import Message, Request, StatusChange

    company, user = ctx.company, ctx.user
    total = ctx.n(REQUESTS)
    prefix = f"CS-B{company.pk}-"
    if Request.objects.for_company(company).filter(number__startswith=prefix).count() >= total:
        ctx.extra["requests_sample"] = _number(company.pk, total // 2)
        return
    Request.objects.for_company(company).filter(number__startswith=prefix).delete()
    rng = random.Random(7)
    now = timezone.now()
    for start in range(0, total, BATCH):
        with transaction.atomic():
            rows = []
            for i in range(start, min(start + BATCH, total)):
                created = now - timedelta(minutes=37 * (total - i))
                status = STATUSES[i % 4]
                rows.append(
                    Request(
                        company=company,
                        requester=user,
                        number=_number(company.pk, i),
                        subject=" ".join(rng.sample(WORDS, 4)).capitalize(),
                        category=CATEGORIES[i % 6],
                        status=status,
                        due_at=created + timedelta(days=1),
                        created_at=created,
                        last_message_at=created + timedelta(hours=3),
                        answered_at=created + timedelta(hours=2) if status != "new" else None,
                        closed_at=created + timedelta(days=3) if status == "closed" else None,
                    )
                )
            requests = Request.objects.bulk_create(rows, batch_size=BATCH)
            messages = []
            history = []
            for req in requests:
                history.append(
                    StatusChange(company=company, request=req, to_status="new", at=req.created_at)
                )
                for m in range(MESSAGES_PER_REQUEST):
                    agent = m % 2 == 1
                    messages.append(
                        Message(
                            company=company,
                            request=req,
                            author=None if agent else user,
                            is_agent=agent,
                            internal=agent and m == 3,
                            body=f"Message {m} about {req.subject.lower()}. " * 3,
                            created_at=req.created_at + timedelta(minutes=m),
                        )
                    )
            Message.objects.bulk_create(messages, batch_size=BATCH)
            StatusChange.objects.bulk_create(history, batch_size=BATCH)
            files = [
                StoredFile(
                    id=uuid.uuid4(),
                    company=company,
                    storage_name=f"bench/{uuid.uuid4().hex}.pdf",
                    original_name="document.pdf",
                    content_type="application/pdf",
                    size=1234,
                    sha256="0" * 64,
                )
                for _ in range(0, len(messages), 5)
            ]
            StoredFile.objects.bulk_create(files, batch_size=BATCH)
            through = Message.attachments.through
            through.objects.bulk_create(
                [
                    through(message_id=messages[k * 5].pk, storedfile_id=f.pk)
                    for k, f in enumerate(files)
                ],
                batch_size=BATCH,
            )
    ctx.extra["requests_sample"] = _number(company.pk, total // 2)


def pages(ctx: Context) -> list[Page]:
    sample = ctx.extra.get("requests_sample") or _number(ctx.company.pk, ctx.n(REQUESTS) // 2)
    base = reverse("requests_inbox:list")

    def q(**params: str) -> str:
        return f"{base}?{urlencode(params)}"

    pages = [
        Page("requests: list", base),
        Page("requests: list, page 200", q(page="200")),
        Page("requests: search number", q(q=sample)),
        Page("requests: search words", q(q="toner printer")),
        Page("requests: filter status+category", q(status="answered", category="invoices")),
        Page("requests: sort by subject", q(sort="subject")),
        Page("requests: request page", reverse("requests_inbox:detail", args=[sample])),
    ]
    for page in pages:
        page.target_median_ms = TARGET_MEDIAN_MS
    return pages
