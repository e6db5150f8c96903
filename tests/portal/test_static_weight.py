"""What production serves: collectstatic with the production storage (hashed names,
compressed copies for whitenoise) leaves test-only and PDF-only files out, and the
scripts every page loads go out compressed."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


def test_test_only_and_pdf_only_files_are_not_served(collected):
    names = {str(p.relative_to(collected)) for p in collected.rglob("*") if p.is_file()}
    assert not [n for n in names if "axe" in n]  # axe-core: browser tests only (654 KB)
    assert not [n for n in names if n.endswith(".ttf")]  # the PDF fonts (1.4 MB)
    assert not [n for n in names if n.startswith("css/print-document")]
    assert not [n for n in names if n.startswith("django_htmx/")]  # its htmx copies (2.9 MB)
    assert "vendor/htmx/htmx.min.js" in names and "css/portal.css" in names


@pytest.mark.parametrize("name", ["vendor/htmx/htmx.min.js", "css/portal.css", "js/portal.js"])
def test_what_every_page_loads_is_served_compressed(collected, name):
    plain = (collected / name).stat().st_size
    for suffix in (".br", ".gz"):
        compressed = collected / f"{name}{suffix}"
        assert compressed.exists(), f"{name}{suffix} missing: whitenoise would send it uncompressed"
        assert compressed.stat().st_size < plain * 0.45


def test_the_portal_app_keeps_its_own_config():
    """The staticfiles config lives apart: portal's ready() (cache and security signals) runs."""
    from django.apps import apps

    from portal.apps import PortalConfig

    assert isinstance(apps.get_app_config("portal"), PortalConfig)
