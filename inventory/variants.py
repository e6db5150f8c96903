"""Which inventory offer a company gets, from platform settings (no code per country).

- Inventory OnLine: the country offers the feature "inventory_online" (United States).
- Services Assistant: the country offers "services_assistant" (Europe) AND the
  company is flagged for it (selected customers only).
- Everywhere else: "ask a question about your inventory" (a My-requests form).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from portal.models import Company

ONLINE = "online"
ASSISTANT = "assistant"
QUESTIONS = "questions"


@dataclass(frozen=True)
class Variant:
    code: str
    name: object
    shows_items: bool
    shows_lease: bool
    shows_sla: bool
    takes_changes: bool


VARIANTS = {
    ONLINE: Variant(ONLINE, _("Inventory OnLine"), True, True, True, True),
    ASSISTANT: Variant(ASSISTANT, _("Services Assistant"), True, False, True, True),
    QUESTIONS: Variant(QUESTIONS, _("Questions about your inventory"), False, False, False, False),
}


def variant_for(company: Company) -> Variant:
    country = company.country
    if country.has_feature("inventory_online"):
        return VARIANTS[ONLINE]
    if country.has_feature("services_assistant") and company.services_assistant:
        return VARIANTS[ASSISTANT]
    return VARIANTS[QUESTIONS]
