"""A large export of contracts or of My requests is not streamed in the page's request:
the user lands on the job's page, sees it ready and downloads the spreadsheet (EN, FR)."""

import re

import pytest
from playwright.sync_api import expect

from contracts.models import ContractStatus
from requests_inbox.services import request_submit
from tests.contracts.factories import ContractFactory
from tests.e2e.browsing import sign_in, switch_language, url_for

pytestmark = pytest.mark.e2e

SHOTS = "/tmp/sec-close-shots"  # noqa: S108 (screenshots of a local run)


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.mark.parametrize("language", ["en", "fr"])
def test_large_exports_are_followed_on_the_job_page(
    page, live_server, e2e_world, media, settings, language
):
    settings.EXPORT_DIRECT_MAX_ROWS = 2
    company, viewer = e2e_world.company, e2e_world.viewer
    for index in range(4):
        ContractFactory(company=company, number=f"K-90{index}", status=ContractStatus.ACTIVE)
        request_submit(
            company=company, user=viewer, category="other", subject=f"Toner {index}", message="x"
        )
    sign_in(page, live_server, viewer.email)
    if language == "fr":
        switch_language(page, "fr")
    ready = {"en": "Ready", "fr": "Prêt"}[language]

    for name, link in (
        ("contracts:list", "CSV"),
        ("requests_inbox:list", "CSV"),
    ):
        page.goto(url_for(live_server, name))
        page.get_by_role("link", name=link, exact=True).first.click()
        expect(page).to_have_url(re.compile(r"/files/\d+/$"))
        expect(page.locator("#job-status [role=status]")).to_contain_text(ready, timeout=30_000)
        page.screenshot(path=f"{SHOTS}/{name.split(':')[0]}-{language}.png", full_page=True)
        with page.expect_download() as info:
            page.locator("#job-status a[href$='/download/']").click()
        with open(info.value.path(), encoding="utf-8-sig") as fh:
            assert len(fh.read().strip().splitlines()) == 1 + 4
