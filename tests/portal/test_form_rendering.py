"""<select> built in Python is byte for byte what Django's templates write."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from portal.form_rendering import PortalFormRenderer

CHOICES = [
    ("", "All sites"),
    (1, 'Lyon <Part-Dieu> & "Gare"'),
    (2, "Paris"),
]
GROUPED = [
    ("Europe", [("fr", "France"), ("de", "Germany")]),
    ("Amériques", [("us", "United States")]),
    ("", "None"),
]


@pytest.mark.parametrize(
    "widget, value, attrs",
    [
        (forms.Select(choices=CHOICES), "", {"id": "id_site"}),
        (forms.Select(choices=CHOICES), 1, {"id": "id_site", "required": True, "disabled": False}),
        (forms.Select(choices=CHOICES, attrs={"aria-describedby": 'x"y'}), "2", None),
        (forms.Select(choices=GROUPED), "de", {"id": "g"}),
        (forms.SelectMultiple(choices=CHOICES), [1, 2], {"id": "m"}),
        (forms.NullBooleanSelect(), True, {"id": "n"}),
        (forms.Select(choices=[]), None, None),
    ],
)
def test_same_html_as_the_templates(widget, value, attrs):
    expected = widget.render("site", value, attrs, renderer=DjangoTemplates())
    assert widget.render("site", value, attrs, renderer=PortalFormRenderer()) == expected


def test_other_widgets_still_use_the_templates():
    widget = forms.TextInput()
    expected = widget.render("q", "<b>", {"id": "q"}, renderer=DjangoTemplates())
    assert widget.render("q", "<b>", {"id": "q"}, renderer=PortalFormRenderer()) == expected
    assert "&lt;b&gt;" in expected
