"""The link of one row (`get_absolute_url()` and the like) without a `reverse()` per row.

A list page links each of its rows once or twice: with Django's `reverse()` (namespace
look-up, candidate patterns, a regular expression per call) that was ~80 reverses per
page. `row_url(name, number=...)` reverses the URL name once per process (and script
prefix and URL configuration) with a marker as its one argument, keeps the text before
and after the marker, and puts each row's value, quoted as `reverse()` quotes it, in
between: the same URL, for the price of a string join.

A value `reverse()` might refuse (empty, or with a slash that no portal converter
takes) still goes through `reverse()`, so it fails the same way.
"""

from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

# Digits: accepted by the int, str and slug converters; no URL of the portal holds it.
MARK = "9081726354"
SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted

_PARTS: dict[tuple[str, str, str, object], tuple[str, str] | None] = {}


def row_url(name: str, **kwargs: object) -> str:
    """`reverse(name, kwargs=kwargs)` for a URL that takes exactly one argument."""
    ((key, value),) = kwargs.items()
    cache_key = (name, key, get_script_prefix(), get_urlconf())
    if cache_key not in _PARTS:
        url = reverse(name, kwargs={key: MARK})
        head, found, tail = url.partition(MARK)
        _PARTS[cache_key] = (head, tail) if found and MARK not in tail else None
    parts = _PARTS[cache_key]
    text = str(value)
    if parts is None or not text or "/" in text:
        return reverse(name, kwargs=kwargs)
    return f"{parts[0]}{quote(text, safe=SAFE)}{parts[1]}"
