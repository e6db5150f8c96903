"""The staticfiles app of the project (INSTALLED_APPS): collectstatic leaves out what
browsers never load, the PDF stylesheet and its fonts (WeasyPrint reads them from the
source folder, portal/documents.py), and the copies of htmx that django-htmx ships (2.9 MB:
the portal serves its own vendored htmx; only django-htmx's middleware is used). Its own
module: a second AppConfig in portal/apps.py would stop Django from choosing PortalConfig
for "portal"."""

from django.contrib.staticfiles.apps import StaticFilesConfig


class PortalStaticFilesConfig(StaticFilesConfig):
    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "css/print-document.css",
        "vendor/fonts/*",
        "README.md",
        "django_htmx/*",
    ]
