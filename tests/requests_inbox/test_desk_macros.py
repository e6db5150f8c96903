"""Canned answers (macros) per language with placeholders, inserted into the reply."""

import pytest
from django.test import Client
from django.urls import reverse

from requests_inbox.canned import canned_answer_text, canned_answers_for
from requests_inbox.models import CannedAnswer
from requests_inbox.services import request_submit
from tests.conftest import login_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_fr(company, viewer):
    viewer.preferred_language = "fr"
    viewer.first_name, viewer.last_name = "Chloé", "Martin"
    viewer.save()
    return request_submit(
        company=company, user=viewer, category="invoices", subject="Facture", message="Bonjour"
    )


def macro(title, language, body, category="", active=True):
    return CannedAnswer.objects.create(
        title=title, language=language, body=body, category=category, is_active=active
    )


def test_macros_offered_in_the_requesters_language_category_first(request_fr):
    general = macro("Merci", "fr", "Merci {customer_name}")
    invoices = macro("Facture envoyée", "fr", "…", category="invoices")
    macro("Thanks", "en", "Thanks {customer_name}")
    macro("Commande", "fr", "…", category="orders")
    macro("Ancien", "fr", "…", active=False)
    assert list(canned_answers_for(request_fr)) == [invoices, general]


def test_placeholders_are_filled_and_nothing_else_is_evaluated(request_fr, agent):
    answer = macro(
        "Reçue",
        "fr",
        "Bonjour {customer_name}, votre demande {tracking_number} ({subject}) de "
        "{company_name} est suivie par {agent_name} : {request_link} {unknown} {agent.password}",
    )
    text = canned_answer_text(answer=answer, request=request_fr, agent=agent)
    assert text.startswith(
        f"Bonjour Chloé Martin, votre demande {request_fr.number} (Facture) de "
        f"{request_fr.company.name} est suivie par Alice Agent : http"
    )
    assert f"/requests/{request_fr.number}/" in text
    assert text.endswith("{unknown} {agent.password}")


def test_agent_inserts_a_macro_into_the_reply_and_keeps_the_macros(agent, request_fr):
    client = Client()
    login_agent(client, agent)
    add = client.post(
        reverse("admin:requests_inbox_cannedanswer_add"),
        {
            "title": "Merci",
            "language": "fr",
            "category": "",
            "body": "Merci {customer_name} !",
            "is_active": "on",
        },
    )
    assert add.status_code == 302
    answer = CannedAnswer.objects.get()
    url = reverse("admin:requests_inbox_request_change", args=[request_fr.pk])
    page = client.get(url).content.decode()
    assert f'<option value="{answer.pk}">Merci</option>' in page
    page = client.get(url, {"macro": answer.pk}).content.decode()
    assert "Merci Chloé Martin !</textarea>" in page
    delete = reverse("admin:requests_inbox_cannedanswer_delete", args=[answer.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
