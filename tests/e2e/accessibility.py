"""axe-core on every page a browser test sees, without the test having to ask.

`ContextWatch` is attached by `tests/e2e/conftest.py` to every browser context a
test opens through pytest-playwright's `context`/`page`/`new_context` fixtures, so
every page and pop-up of the test is covered:

* an init script (axe-core plus a small runner) is evaluated in every top-level
  document; once its DOM and stylesheets are ready it runs `axe.run()` and reports the
  result to Python through a binding;
* a context route holds every main-frame navigation until the document being
  left has reported, so a fast test cannot leave a page before it was checked
  (Playwright cannot evaluate in a page whose navigation has started, hence the
  in-page runner);
* at the end of the test body, axe runs again on every open page as it is then
  (htmx swaps included).

A context opened with JavaScript disabled (to prove a page works without it) is
only watched for CSP violations: axe itself needs JavaScript.

Violations of impact "serious" or "critical" fail the test with the rule id, the
failing nodes and the URL. The same watch fails the test on a Content Security
Policy violation reported by the browser (inline script or style attribute) and
on an uncaught JavaScript error: CSP stays enforced in the browser tests (init
scripts and DevTools evaluation are not subject to it).

The same watch fails the test when an `aria-describedby`, `aria-labelledby` or
`aria-controls` attribute names an id that is not in the page (a help text or an
error message that screen readers would never announce); axe does not check it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, Route
from playwright.sync_api import Error as PlaywrightError

AXE_SOURCE = (Path(__file__).resolve().parent / "vendor/axe/axe.min.js").read_text(encoding="utf-8")
WAIT_FOR_REPORT_S = 15.0

# In the page: summarise the violations that fail a test (impact serious or critical).
_SUMMARY = r"""
window.__portalAxeSummary = (results) => results.violations
  .filter((v) => ["serious", "critical"].includes(v.impact))
  .map((v) => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    nodes: v.nodes.slice(0, 5).map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
// Every id named by aria-describedby / aria-labelledby / aria-controls must exist.
window.__portalBrokenRefs = () => {
  const broken = [];
  for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) {
          const name = el.id ? `#${el.id}` : (el.getAttribute("name") ? `[name=${el.getAttribute("name")}]` : "");
          broken.push(`${el.tagName.toLowerCase()}${name} ${attr}="${id}": no element has this id`);
        }
      }
    }
  }
  return broken;
};
"""

# Every top-level document: announce itself, then run axe once its DOM and stylesheets are
# ready (not on "load": a navigation started by the test stops the loading of images and
# the load event may then never come) and report.
_RUNNER = """
(() => {
  if (window.top !== window) { return; }
  const token = `${Date.now()}-${Math.random()}`;
  window.__portalAxeBegin({url: location.href, token});
  const report = (data) => window.__portalAxeReport({url: location.href, token, ...data});
  const stylesheets = () => Promise.all(
    [...document.querySelectorAll('link[rel~="stylesheet"]')]
      .filter((link) => !link.sheet && link.media !== "print")
      .map((link) => new Promise((resolve) => {
        link.addEventListener("load", resolve);
        link.addEventListener("error", resolve);
        setTimeout(resolve, 3000);
      })),
  );
  const run = async () => {
    if (document.contentType !== "text/html" || !location.protocol.startsWith("http")) {
      report({skipped: true});
      return;
    }
    try {
      await stylesheets();
      // The page as its reader sees it: web fonts in, and one frame for the page's own
      // reactions to them (a table that now scrolls becomes a focusable region).
      const atMost = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      if (document.fonts) await Promise.race([document.fonts.ready, atMost(3000)]);
      await Promise.race([new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))), atMost(1000)]);
      const results = await window.axe.run(document, {resultTypes: ["violations"]});
      report({violations: window.__portalAxeSummary(results), brokenRefs: window.__portalBrokenRefs()});
    } catch (error) {
      report({error: String(error)});
    }
  };
  // On DOMContentLoaded (the page's deferred scripts have run). A document the test leaves
  // before that is reported as not checked, at once: its navigation waits for this report,
  // and the scripts DOMContentLoaded waits for may be held behind that very navigation.
  let started = false;
  const once = () => { if (!started) { started = true; run(); } };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", once);
    window.addEventListener("beforeunload", () => {
      if (!started) { started = true; report({skipped: true}); }
    });
  } else {
    once();
  }
})();
"""

_FINAL_RUN = """
async () => {
  if (document.contentType !== "text/html" || !location.protocol.startsWith("http")) { return null; }
  const results = await window.axe.run(document, {resultTypes: ["violations"]});
  return {violations: window.__portalAxeSummary(results), brokenRefs: window.__portalBrokenRefs()};
}
"""


@dataclass
class Finding:
    url: str
    kind: str  # "axe", "aria-ref", "csp", "javascript", "unchecked"
    detail: str


@dataclass
class ContextWatch:
    """Accessibility, CSP and script-error watch on one browser context."""

    context: BrowserContext
    scripts: bool = True  # False for a context with JavaScript disabled: axe cannot run there
    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    _pending: dict = field(
        default_factory=dict
    )  # page -> {"url", "token"} of its unreported document

    def attach(self) -> ContextWatch:
        self.context.on("console", self._on_console)
        if not self.scripts:
            return self
        self.context.expose_binding("__portalAxeBegin", self._on_begin)
        self.context.expose_binding("__portalAxeReport", self._on_report)
        self.context.add_init_script(script=f"{AXE_SOURCE}\n{_SUMMARY}\n{_RUNNER}")
        self.context.on("weberror", self._on_web_error)
        self.context.route("**/*", self._on_request)
        return self

    # --- events ---------------------------------------------------------------
    def _on_begin(self, source, document) -> None:
        page = source["page"]
        lost = self._pending.get(page)
        if lost:  # replaced before it could report (left before its DOM was even ready)
            self.findings.append(Finding(lost["url"], "unchecked", "left before axe could run"))
        self._pending[page] = document

    def _on_report(self, source, data) -> None:
        page = source["page"]
        if (self._pending.get(page) or {}).get("token") == data["token"]:
            self._pending[page] = None
        if data.get("skipped"):
            return
        if "error" in data:
            self.findings.append(Finding(data["url"], "unchecked", data["error"]))
            return
        self._record(data["url"], data["violations"], data.get("brokenRefs", []))

    def _on_console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            url = message.page.url if message.page else "?"
            self.findings.append(Finding(url, "csp", message.text))

    def _on_web_error(self, web_error) -> None:
        url = web_error.page.url if web_error.page else "?"
        self.findings.append(Finding(url, "javascript", str(web_error.error)))

    def _on_request(self, route: Route) -> None:
        request = route.request
        try:
            frame = request.frame if request.is_navigation_request() else None
            page = frame.page if frame is not None and frame.parent_frame is None else None
        except PlaywrightError:
            page = None
        if page is not None:
            self._wait_for_reports(page)
        route.fallback()

    # --- checks ---------------------------------------------------------------
    def _wait_for_reports(self, page: Page) -> None:
        deadline = time.monotonic() + WAIT_FOR_REPORT_S
        while self._pending.get(page) and time.monotonic() < deadline and not page.is_closed():
            page.wait_for_timeout(25)
        if self._pending.get(page):
            url = self._pending[page]["url"]
            self.findings.append(Finding(url, "unchecked", "axe did not report in time"))
            self._pending[page] = None

    def _record(self, url: str, violations: list[dict], broken_refs: list[str] = ()) -> None:
        self.checked.append(url)
        for detail in broken_refs:
            if not any(f.url == url and f.detail == detail for f in self.findings):
                self.findings.append(Finding(url, "aria-ref", detail))
        for v in violations:
            nodes = "\n".join(f"      - {n['target']}: {n['summary']}" for n in v["nodes"])
            more = f"\n      (+{v['count'] - len(v['nodes'])} more nodes)" if v["count"] > 5 else ""
            detail = f"{v['id']} ({v['impact']}): {v['help']}\n{nodes}{more}"
            if not any(f.url == url and f.detail == detail for f in self.findings):
                self.findings.append(Finding(url, "axe", detail))

    def finish(self) -> None:
        """The end of the test: wait for pending reports, then check each page as it is now."""
        if not self.scripts:
            return
        for page in list(self.context.pages):
            if page.is_closed():
                continue
            self._wait_for_reports(page)
            try:
                result = page.evaluate(_FINAL_RUN)
            except PlaywrightError as exc:
                self.findings.append(Finding(page.url, "unchecked", f"axe could not run: {exc}"))
                continue
            if result is not None:
                self._record(page.url, result["violations"], result["brokenRefs"])


def report(watches: list[ContextWatch]) -> str:
    """Run the final checks and describe every finding ('' when every page was clean)."""
    for watch in watches:
        watch.finish()
    return "\n".join(
        f"[{f.kind}] {f.url}\n    {f.detail}" for watch in watches for f in watch.findings
    )
