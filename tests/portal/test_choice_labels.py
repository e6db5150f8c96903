"""`get_FOO_display()` of the list models reads a label dict built once per field
(portal.models.ChoiceLabels): the same text as Django's, in the reader's language."""

from django.db import models
from django.utils import translation

from contracts.models import Contract, ContractStatus


def test_labels_follow_the_language_and_match_djangos():
    contract = Contract(status=ContractStatus.EXPIRED)
    field = Contract._meta.get_field("status")
    for language, expected in (("en", "Expired"), ("fr", "Expiré"), ("en", "Expired")):
        with translation.override(language):
            assert contract.get_status_display() == expected
            assert contract.get_status_display() == models.Model._get_FIELD_display(contract, field)


def test_a_value_without_a_label_shows_as_it_is():
    assert Contract(status="not-a-status").get_status_display() == "not-a-status"
