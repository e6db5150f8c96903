"""Demo requests (idempotent, keyed on tracking numbers): a realistic handful per company.

Rows are written directly (no acknowledgement e-mails for demo data). A number carries
the year of its request's date, like the portal's own (CS-<year>-<id>), in a 100000
series so it never meets numbers the portal derives from row ids; a request is found
again by that series number whatever the year, so a later run updates it.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from portal.models import Topic
from requests_inbox.models import Message, Request, Status, StatusChange
from requests_inbox.services import answer_due

AGENT = "agent@supplier.example"

# number, company, requester, category, reference, subject, status, age (days),
# conversation: [(from agent?, internal?, body)]
REQUESTS = [
    (
        "CS-2025-100001",
        "0100001",
        "viewer@acme.example",
        Topic.INVOICES,
        "",
        "Copie de facture pour la comptabilité",
        Status.NEW,
        0,
        [(False, False, "Bonjour, pourriez-vous m'envoyer un duplicata de la facture de mars ?")],
    ),
    (
        "CS-2025-100002",
        "0100001",
        "viewer@acme.example",
        Topic.ORDERS,
        "",
        "Adresse de livraison à corriger",
        Status.ANSWERED,
        3,
        [
            (False, False, "La livraison prévue à Lyon doit partir à Lille Euratechnologies."),
            (True, True, "Vérifier avec le transporteur avant de répondre."),
            (True, False, "C'est corrigé : la livraison partira vers Lille demain matin."),
        ],
    ),
    (
        "CS-2025-100003",
        "0100001",
        "admin@acme.example",
        Topic.CONTRACTS,
        "",
        "Renouvellement du contrat de maintenance",
        Status.IN_PROGRESS,
        1,
        [
            (False, False, "Nous souhaitons renouveler le contrat pour trois ans."),
            (True, False, "Bien noté, nous préparons une proposition."),
            (False, False, "Merci, pouvez-vous inclure le site de Paris ?"),
        ],
    ),
    (
        "CS-2025-100004",
        "0100001",
        "approver@acme.example",
        Topic.OTHER,
        "",
        "Accès pour un nouveau collègue",
        Status.CLOSED,
        20,
        [
            (False, False, "Comment un nouveau collègue obtient-il un accès ?"),
            (True, False, "Il crée son identifiant puis demande l'accès : vous l'approuvez."),
        ],
    ),
    (
        "CS-2025-100005",
        "0200001",
        "admin@globex.example",
        Topic.INVENTORY,
        "",
        "Move two servers to the Austin data center",
        Status.NEW,
        0,
        [(False, False, "Please update the inventory: two servers moved from New York to Austin.")],
    ),
]


@transaction.atomic
def seed(world) -> None:
    agent = world.users.get(AGENT)
    now = timezone.now()
    for number, customer, email, category, reference, subject, status, age, talk in REQUESTS:
        company = world.companies[customer]
        requester = world.users[email]
        created = now - timedelta(days=age, hours=2)
        answered = any(is_agent and not internal for is_agent, internal, _b in talk)
        series = number.rsplit("-", 1)[1]
        existing = Request.objects.filter(company=company, number__endswith=f"-{series}").first()
        request, created_now = Request.objects.update_or_create(
            pk=existing.pk if existing is not None else None,
            defaults={
                "number": f"CS-{timezone.localtime(created).year}-{series}",
                "company": company,
                "requester": requester,
                "category": category,
                "reference": reference,
                "subject": subject,
                "status": status,
                "created_at": created,
                "due_at": answer_due(company, created),
                "last_message_at": created + timedelta(hours=len(talk)),
                "answered_at": created + timedelta(hours=2) if answered else None,
                "closed_at": created + timedelta(days=7) if status == Status.CLOSED else None,
                "assignee": agent if answered else None,
            },
        )
        if not created_now:
            continue
        for i, (is_agent, internal, body) in enumerate(talk):
            Message.objects.create(
                company=company,
                request=request,
                author=agent if is_agent else requester,
                is_agent=is_agent,
                internal=internal,
                body=body,
                created_at=created + timedelta(hours=i),
            )
        StatusChange.objects.create(
            company=company, request=request, to_status=Status.NEW, actor=requester, at=created
        )
        if status != Status.NEW:
            StatusChange.objects.create(
                company=company,
                request=request,
                from_status=Status.NEW,
                to_status=status,
                actor=agent,
                at=created + timedelta(hours=2),
            )
