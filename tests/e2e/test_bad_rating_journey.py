"""A customer unhappy with the answer rates it "Bad": the request goes back to the team
(In progress, the reason in its history), the rating stays shown; in English and French."""

import pytest
from playwright.sync_api import expect

from portal.agents import make_agent
from requests_inbox.models import Status
from requests_inbox.services import request_reply, request_submit
from tests.e2e.browsing import sign_in, switch_language, url_for
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("language", "bad", "thanks", "status", "note", "rated"),
    [
        (
            "en",
            "Bad",
            "Thank you for your feedback.",
            "In progress",
            "Reopened by a bad rating",
            "You rated the answer: Bad.",
        ),
        (
            "fr",
            "Mauvaise",
            "Merci pour votre avis.",
            "En cours",
            "Rouverte après une mauvaise note",
            "Votre évaluation de la réponse : Mauvaise.",
        ),
    ],
)
def test_a_bad_rating_puts_the_request_back_in_progress(
    page, live_server, e2e_world, language, bad, thanks, status, note, rated, tmp_path
):
    viewer = e2e_world.viewer
    agent = UserFactory(email="agent@cs.test", first_name="Alice", last_name="Agent")
    make_agent([agent])
    req = request_submit(
        company=e2e_world.company,
        user=viewer,
        category="other",
        subject="Toner",
        message="Two please",
    )
    request_reply(request=req, agent=agent, body="Sent yesterday")

    sign_in(page, live_server, viewer.email)
    if language == "fr":
        switch_language(page, "fr")
    page.goto(url_for(live_server, "requests_inbox:detail", number=req.number))
    page.locator("textarea[name=comment]").fill("Nothing arrived")
    page.get_by_role("button", name=bad, exact=True).click()
    expect(page.locator(".messages")).to_contain_text(thanks)
    expect(page.locator(".request-facts")).to_contain_text(status)
    expect(page.locator("main")).to_contain_text(note)
    expect(page.locator("main")).to_contain_text(rated)
    page.screenshot(path=str(tmp_path / f"bad-rating-{language}.png"), full_page=True)
    req.refresh_from_db()
    assert (req.status, req.rating) == (Status.IN_PROGRESS, "bad")
