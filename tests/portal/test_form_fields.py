"""One parser of e-mail recipient lists (invoice copies, order report e-mails)."""

import pytest
from django.core.exceptions import ValidationError

from portal.form_fields import EmailListField, email_list


def test_addresses_are_split_on_commas_semicolons_spaces_and_lines_lowered_and_deduplicated():
    raw = (
        "Ann@Example.test, bob@example.test;carl@example.test\ndora@example.test  ann@example.test"
    )
    assert email_list(raw, max_addresses=10) == [
        "ann@example.test",
        "bob@example.test",
        "carl@example.test",
        "dora@example.test",
    ]


def test_a_bad_address_is_named_in_the_message():
    with pytest.raises(ValidationError) as exc:
        email_list("ann@example.test, not-an-address", max_addresses=10)
    assert exc.value.messages == ["“not-an-address” is not a valid e-mail address."]
    assert exc.value.code == "bad_address"


def test_too_many_or_none_are_refused():
    with pytest.raises(ValidationError) as exc:
        email_list([f"u{i}@example.test" for i in range(4)], max_addresses=3)
    assert exc.value.messages == ["At most 3 addresses at a time."]
    with pytest.raises(ValidationError) as exc:
        email_list(" ,; ", max_addresses=3)
    assert exc.value.code == "no_address"


def test_the_form_field_cleans_to_the_list_and_keeps_required():
    field = EmailListField(max_addresses=2)
    assert field.clean("a@example.test b@example.test") == ["a@example.test", "b@example.test"]
    with pytest.raises(ValidationError) as exc:
        field.clean("")
    assert exc.value.messages == ["This field is required."]
    assert EmailListField(max_addresses=2, required=False).clean("") == []
