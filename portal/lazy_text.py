"""Translated text with values, evaluated when shown (in the reader's language), not at import.

`gettext_lazy("Up to %(max)s files") % {...}` is evaluated at once, in the language active
while the module is imported (English); `interpolate_lazy` keeps it lazy.
"""

from typing import Any

from django.utils.functional import lazy


def _interpolate(text: Any, values: dict[str, Any]) -> str:
    return str(text) % values


interpolate_lazy = lazy(_interpolate, str)
