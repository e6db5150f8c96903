"""A WSGI app for tests/security/test_proxy_headers.py: answers the scheme Django decides
for the request (settings as in production), served by gunicorn as the image runs it."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.core.handlers.wsgi import WSGIRequest  # noqa: E402


def application(environ, start_response):
    scheme = "https" if WSGIRequest(environ).is_secure() else "http"
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [scheme.encode()]
