"""A row's link from `portal.row_urls.row_url` is the URL `reverse()` gives, quoted the
same way, under any script prefix; a value reverse() refuses still fails."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from portal.row_urls import row_url


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


@pytest.mark.parametrize("prefix", ["/", "/portal/", "/sub path/"])
@pytest.mark.parametrize("number", ["F-2026-000123", "a b", "é&x?#%", "x:y@z~", "9081726354"])
def test_same_url_as_reverse(script_prefix, prefix, number):
    script_prefix(prefix)
    for name in ("invoices:detail", "invoices:pdf", "contracts:detail", "orders:detail"):
        assert row_url(name, number=number) == reverse(name, kwargs={"number": number})
    assert row_url("inventory:item", pk=42) == reverse("inventory:item", kwargs={"pk": 42})


@pytest.mark.parametrize("number", ["", "a/b"])
def test_a_value_reverse_refuses_still_fails(number):
    with pytest.raises(NoReverseMatch):
        row_url("invoices:detail", number=number)
