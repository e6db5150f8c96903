"""Every `{% static %}` reference exists, so production's hashed-manifest storage
(which refuses unknown files with a server error) serves every page."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

ROOT = Path(settings.BASE_DIR)
STATIC_TAG = re.compile(r"""{%\s*static\s+["']([^"']+)["']""")


def _templates() -> list[Path]:
    found = []
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]:
        if ".venv" in folder.parts:
            continue
        found += sorted(folder.rglob("*.html")) + sorted(folder.rglob("*.txt"))
    return found


REFERENCES = sorted(
    {
        (str(path.relative_to(ROOT)), name)
        for path in _templates()
        for name in STATIC_TAG.findall(path.read_text(encoding="utf-8"))
    }
)


def test_templates_reference_static_files():
    assert any(name == "css/portal.css" for _template, name in REFERENCES)


@pytest.mark.parametrize("template,name", REFERENCES)
def test_every_static_reference_exists(template, name):
    assert finders.find(name), f"{template} refers to missing static file {name!r}"
