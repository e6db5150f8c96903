// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select) select.form.requestSubmit();
});

// The user menu is a <details> disclosure: close it on Escape (focus back on its
// toggle) and when the user clicks elsewhere, as people expect from a menu.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const menu = document.querySelector("details.user-menu[open]");
  if (menu) {
    menu.removeAttribute("open");
    menu.querySelector("summary").focus();
  }
});
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("details.user-menu[open]")) {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  }
});

// A table wider than the screen scrolls inside its .table-wrap: when it does, the
// container becomes a named, focusable region so keyboard users can scroll it too.
const markScrollableTables = () => {
  for (const wrap of document.querySelectorAll(".table-wrap")) {
    const table = wrap.querySelector("table");
    if (table && wrap.scrollWidth > wrap.clientWidth + 1) {
      wrap.setAttribute("tabindex", "0");
      const caption = table.caption || wrap.previousElementSibling;
      const name = table.getAttribute("aria-label") || (caption ? caption.textContent.trim() : "");
      // Inside a section already named the same (its heading), a second region of that
      // name would be a duplicate landmark: the container is then a named group.
      const section = wrap.parentElement.closest("[aria-labelledby]");
      const label = section && document.getElementById(section.getAttribute("aria-labelledby"));
      const sameName = label && label.textContent.trim() === name;
      wrap.setAttribute("role", sameName ? "group" : "region");
      if (name) wrap.setAttribute("aria-label", name);
    } else if (wrap.hasAttribute("role")) {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-label");
    }
  }
};
markScrollableTables(); // deferred: the document is parsed and its stylesheets applied
window.addEventListener("resize", markScrollableTables);
// A table can also grow after that without the window changing: its web font arrives, a
// swap fills it. Each wrap and its table are watched for a change of size.
const tableSizes = "ResizeObserver" in window ? new ResizeObserver(markScrollableTables) : null;
const watchTables = () => {
  if (!tableSizes) return;
  for (const wrap of document.querySelectorAll(".table-wrap")) {
    tableSizes.observe(wrap);
    const table = wrap.querySelector("table");
    if (table) tableSizes.observe(table);
  }
};
watchTables();
document.addEventListener("htmx:afterSettle", () => {
  markScrollableTables();
  watchTables();
});
if (document.fonts) document.fonts.ready.then(markScrollableTables);

// Browsers without ::details-content cannot lay a closed site menu or filter panel
// out on wide screens: there they are simply kept open (small screens keep the button).
if (!CSS.supports("selector(::details-content)")) {
  const wide = window.matchMedia("(min-width: 48.01rem)");
  const syncFoldables = () => {
    for (const panel of document.querySelectorAll("details.site-menu, details.filter-panel")) {
      if (wide.matches) panel.open = true;
      else if (!panel.querySelector("[aria-invalid=true]")) panel.open = false;
    }
  };
  syncFoldables();
  wide.addEventListener("change", syncFoldables);
}

// A page with form errors starts on its error summary (autofocus does it where supported);
// a page that says what an action did (a message after a redirect) or answers a form below
// it (a lookup's result) starts there, so a keyboard or screen-reader user is told at once
// (a status region present when the page loads is not read out).
const startHere = document.getElementById("error-summary") || document.querySelector("[data-focus-on-load]");
if (startHere && (!document.activeElement || document.activeElement === document.body)) startHere.focus();

// Lists updated by htmx (search, sort, page): one short polite announcement of the
// result, and the focus on the result count when the control that asked is gone
// (a sort or page link replaced by the swap); a filter field keeps the focus.
const announceResults = (target, trigger) => {
  const status = target.querySelector("[data-results-status]");
  const announcer = document.getElementById("results-announcer");
  if (!status || !announcer) return;
  const words = (el) => (el ? el.textContent.replace(/[▲▼↑↓↕]/g, "").replace(/\s+/g, " ").trim() : "");
  let sentence = words(status);
  const rows = target.querySelectorAll("tbody tr").length;
  const total = parseInt(sentence.replace(/[^\d]/g, ""), 10);
  if (rows && total && rows < total) {
    sentence = announcer.dataset.shown.replace("{shown}", rows).replace("{total}", sentence);
  }
  const sorted = target.querySelector("th[aria-sort]");
  if (sorted) {
    const direction = announcer.dataset[sorted.getAttribute("aria-sort")] || "";
    sentence += `, ${announcer.dataset.sorted.replace("{column}", words(sorted)).replace("{direction}", direction)}`;
  }
  const page = target.querySelector(".pagination [aria-current], .pagination span");
  if (page) sentence += `, ${words(page)}`;
  announcer.textContent = "";
  window.setTimeout(() => { announcer.textContent = sentence; }, 50);
  if (!trigger || !document.body.contains(trigger)) status.focus();
};
// While new results load, the old ones are marked busy (the indicator shows it visually).
document.addEventListener("htmx:beforeRequest", (event) => {
  const target = event.detail.target;
  if (target && target.querySelector("[data-results-status]")) target.setAttribute("aria-busy", "true");
});
document.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.target) event.detail.target.removeAttribute("aria-busy");
});
// A sort chosen in a header is kept by the filter form (its sort field follows the results).
const syncSort = (target) => {
  const status = target.querySelector("[data-results-status][data-sort]");
  const field = target.id && document.querySelector(`form[hx-target="#${target.id}"] [name=sort]`);
  if (status && field) field.value = status.dataset.sort;
};
document.addEventListener("htmx:afterSettle", (event) => {
  syncSort(event.detail.target);
  announceResults(event.detail.target, event.detail.requestConfig && event.detail.requestConfig.elt);
});

// Idle sign-out warning (WCAG 2.2.1): two minutes before the session ends without
// activity a dialog offers to stay signed in; extending does not leave the page.
const sessionWarning = document.getElementById("session-warning");
if (sessionWarning && typeof sessionWarning.showModal === "function") {
  let timers = [];
  const show = () => { if (!sessionWarning.open) sessionWarning.showModal(); };
  const ended = () => {
    for (const el of sessionWarning.querySelectorAll(".session-warning__soon, [data-session-extend]")) el.hidden = true;
    for (const el of sessionWarning.querySelectorAll(".session-warning__ended")) el.hidden = false;
    show();
  };
  const schedule = (seconds) => {
    timers.forEach(window.clearTimeout);
    const warn = Number(sessionWarning.dataset.warnSeconds);
    timers = [window.setTimeout(show, Math.max(0, seconds - warn) * 1000), window.setTimeout(ended, seconds * 1000)];
  };
  const extend = () => {
    const token = sessionWarning.querySelector("input[name=csrfmiddlewaretoken]").value;
    fetch(sessionWarning.dataset.extendUrl, { method: "POST", headers: { "X-CSRFToken": token }, credentials: "same-origin" })
      .then((response) => (response.ok ? schedule(Number(sessionWarning.dataset.idleFull) + 60) : ended()))
      .catch(ended);
  };
  sessionWarning.addEventListener("close", () => {
    if (sessionWarning.returnValue === "extend") extend();
  });
  schedule(Number(sessionWarning.dataset.idleSeconds));
  // A page's own background poll (the bell) is not activity: the server does not count it either.
  // htmx reports a request whose element its own swap replaced on that element's parent:
  // look at the element that asked (requestConfig.elt) as well.
  const isBackgroundPoll = (detail) =>
    [detail.elt, detail.requestConfig && detail.requestConfig.elt].some(
      (el) => el && el.closest && el.closest("[data-background-poll]"),
    );
  document.addEventListener("htmx:afterRequest", (event) => {
    if (isBackgroundPoll(event.detail)) return;
    schedule(Number(sessionWarning.dataset.idleFull));
  });
}

// Drafts (nothing typed is lost): a form with data-draft keeps its text fields in this
// browser while they are typed, gives them back when the form is empty again (after
// signing in anew), and forgets them once the form was sent and did not come back.
const DRAFT_SENT = "portal-draft-sent";
const sentKey = window.sessionStorage.getItem(DRAFT_SENT);
if (sentKey) {
  const again = document.querySelector(`form[data-draft="${sentKey}"]`);
  const signIn = document.querySelector("form input[name=password]");
  if (!signIn && !again) { // neither the sign-in page nor the same form back (errors)
    window.localStorage.removeItem(sentKey);
    window.sessionStorage.removeItem(DRAFT_SENT);
  }
}
for (const form of document.querySelectorAll("form[data-draft]")) {
  const key = form.dataset.draft;
  const fields = () => [...form.querySelectorAll("textarea[name], input[type=text][name]")];
  let saved = {};
  try { saved = JSON.parse(window.localStorage.getItem(key) || "{}"); } catch (error) { saved = {}; }
  for (const field of fields()) {
    if (!field.value && saved[field.name]) field.value = saved[field.name];
  }
  form.addEventListener("input", () => {
    const values = Object.fromEntries(fields().filter((f) => f.value).map((f) => [f.name, f.value]));
    if (Object.keys(values).length) window.localStorage.setItem(key, JSON.stringify(values));
    else window.localStorage.removeItem(key);
  });
  form.addEventListener("submit", () => window.sessionStorage.setItem(DRAFT_SENT, key));
}
// Signing out on purpose forgets every draft of this browser.
document.addEventListener("submit", (event) => {
  if (!event.target.matches("form[action$='/logout/']")) return;
  for (const key of Object.keys(window.localStorage)) {
    if (key.startsWith("draft:")) window.localStorage.removeItem(key);
  }
});

// A link of the error summary puts the keyboard in its field, not only the view.
document.addEventListener("click", (event) => {
  const link = event.target.closest(".error-summary a[href^='#']");
  const field = link && document.getElementById(link.getAttribute("href").slice(1));
  if (!field) return;
  event.preventDefault();
  field.focus();
  field.scrollIntoView({ block: "center" });
});

// The bell: htmx refreshes its count every minute and when the tab comes back into view;
// a hidden tab asks nothing. A rise of the count is announced once, politely; reading
// notifications elsewhere (the count going down) is not announced.
let bellCount = Number(document.getElementById("bell")?.dataset.unread || 0);
document.addEventListener("htmx:beforeRequest", (event) => {
  if (event.detail.elt.id === "bell" && document.visibilityState === "hidden") event.preventDefault();
});
document.addEventListener("htmx:afterSettle", () => {
  const bell = document.getElementById("bell");
  const announcer = document.getElementById("bell-announcer");
  if (!bell || !announcer) return;
  const count = Number(bell.dataset.unread || 0);
  if (count > bellCount) announcer.textContent = bell.dataset.announce;
  bellCount = count;
});
