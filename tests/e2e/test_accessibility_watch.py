"""The watch itself: it must catch what a later journey would otherwise miss."""

import pytest

from tests.e2e.accessibility import ContextWatch, report

pytestmark = pytest.mark.e2e

BAD_PAGE = "<html><head><title>Bad</title></head><body><img src='/static/none.png'></body></html>"


def test_a_page_left_immediately_is_still_checked(browser, live_server):
    context = browser.new_context()
    watch = ContextWatch(context).attach()
    page = context.new_page()
    page.route("**/bad-page/", lambda route: route.fulfill(content_type="text/html", body=BAD_PAGE))
    page.goto(live_server.url + "/bad-page/", wait_until="domcontentloaded")  # axe not done yet
    page.goto(live_server.url + "/")
    problems = report([watch])
    context.close()
    assert f"[axe] {live_server.url}/bad-page/" in problems
    assert "image-alt (critical)" in problems
    assert "html-has-lang (serious)" in problems
    assert f"{live_server.url}/\n" not in problems + "\n"  # the home page itself is clean


def test_inline_style_and_script_errors_are_reported(browser, live_server):
    context = browser.new_context()
    watch = ContextWatch(context).attach()
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.evaluate("setTimeout(() => { throw new Error('boom from the page'); }, 0)")
    page.wait_for_timeout(200)
    problems = report([watch])
    context.close()
    assert "[csp]" in problems
    assert "boom from the page" in problems


def test_an_aria_reference_to_a_missing_id_is_reported(browser, live_server):
    context = browser.new_context()
    watch = ContextWatch(context).attach()
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.evaluate(
        """() => {
          const input = document.createElement("input");
          input.id = "id_reference";
          input.setAttribute("aria-label", "Reference");
          input.setAttribute("aria-describedby", "id_reference_helptext");
          document.querySelector("main").append(input);
        }"""
    )
    problems = report([watch])
    context.close()
    assert "[aria-ref]" in problems
    assert 'input#id_reference aria-describedby="id_reference_helptext"' in problems
