"""Browser tests: Playwright for Python drives Debian's Chromium against a live server.

* The browser is ``/usr/bin/chromium`` (``apt-get install chromium fonts-wqy-zenhei``), never a
  browser downloaded by ``playwright install``. Without it every test here is skipped.
* The live server is a real werkzeug server in a background thread, on a port the OS picks,
  serving the session's ``app``; each request runs in the app's own app and request context
  (Flask pushes them per request), so the server thread never shares the test's
  ``db.session``. Data made through ``world`` is committed before a page asks for it.
* CSRF protection is switched on while a browser test runs: the pages must send the token the
  way a real phone does (hidden fields, and htmx's ``X-CSRFToken`` header from ``<body>``).
* Screenshots go to ``tests/artifacts/`` (git-ignored).

Run only these: ``.venv/bin/python -m pytest -m browser``; skip them: ``-m "not browser"``.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import WSGIRequestHandler, make_server

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent / "artifacts"
WIDTH, HEIGHT = 360, 740
CHROMIUM = "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else shutil.which("chromium")
# expect() waits 5 s by default; a loaded CI machine (or a benchmark running next door) needs more.
expect.set_options(timeout=10_000)

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items: only touch the ones in this folder.
    skip = pytest.mark.skip(reason="Chromium not found at /usr/bin/chromium or on PATH: "
                                   "apt-get install -y chromium fonts-wqy-zenhei (never `playwright install`)")
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM:
                item.add_marker(skip)


# -- Playwright's session fixtures, pointed at Debian's Chromium ---------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": WIDTH, "height": HEIGHT},
            "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


# -- The live server -----------------------------------------------------------------------------

class _QuietHandler(WSGIRequestHandler):
    """Log only failed requests (pytest shows them when a test fails)."""

    def log_request(self, code="-", size="-"):
        if str(code).isdigit() and int(code) >= 400:
            super().log_request(code, size)


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


@pytest.fixture(autouse=True)
def job_runner(app):
    """Background jobs (a ledger's dry run, a recount) run as ``flask jobs work`` would run
    them beside the server: a thread that takes what is due every few tenths of a second.
    One per browser test, stopped after it: a runner left going would take the jobs of the
    tests that come after (the job page's own tests, the runner processes' tests)."""
    from app.services import jobs

    stop = threading.Event()

    def loop():
        while not stop.wait(0.3):
            try:
                jobs.run_pending(app)
            except Exception:  # noqa: BLE001 - the next round tries again; a test fails on what it sees
                pass

    thread = threading.Thread(target=loop, name="job-runner", daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(live_server):
    """pytest-playwright gives this to every context: ``page.goto("/grid/")`` works."""
    return live_server


@pytest.fixture(autouse=True)
def csrf_on(app):
    previous = app.config.get("WTF_CSRF_ENABLED", True)
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = previous


# -- What the tests share ------------------------------------------------------------------------

@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def password(pytestconfig) -> str:
    """``PASSWORD`` of tests/conftest.py. ``tests`` is not a package, so that conftest is not
    importable by name from here; pytest keeps it as a plugin, registered under its path."""
    root = HERE.parent / "conftest.py"
    for plugin in pytestconfig.pluginmanager.get_plugins():
        if getattr(plugin, "__file__", None) and Path(plugin.__file__).resolve() == root:
            return plugin.PASSWORD
    raise RuntimeError(f"{root} is not loaded")


@pytest.fixture
def phone(ctx, page, artifacts, password):
    """The ``page`` (360 x 740) with the checks every test makes; see ``Phone``.

    ``ctx`` comes first so that it is torn down last: the browser is closed before the
    database is emptied, never while a page may still be talking to the server."""
    return Phone(page, artifacts, password)


@pytest.fixture
def profile_phone(ctx, browser_type, browser_type_launch_args, browser_context_args, tmp_path, artifacts,
                  password):
    """Like ``phone``, in a Chromium with a real profile on disk. Playwright's usual contexts
    are off the record, where Chromium never offers to install an app ("in-incognito")."""
    context = browser_type.launch_persistent_context(
        tmp_path / "profile", **browser_type_launch_args, **browser_context_args)
    try:
        yield Phone(context.pages[0] if context.pages else context.new_page(), artifacts, password)
    finally:
        context.close()


class Phone:
    """A page at phone size that records console errors, uncaught exceptions, CSP violations
    and 5xx responses (``take_problems``), and saves full-page screenshots (``shot``)."""

    # Runs before the page's own scripts and outside its CSP (Playwright injects it).
    CSP_LISTENER = """
      document.addEventListener("securitypolicyviolation", (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
                      + ` at ${e.sourceFile || location.pathname}:${e.lineNumber}`);
      });
    """

    def __init__(self, page, artifacts: Path, password: str):
        self.page, self.artifacts, self.password = page, artifacts, password
        self.problems: list[str] = []
        page.add_init_script(self.CSP_LISTENER)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"uncaught: {exc}"))
        page.on("response", self._response)

    def _console(self, message):
        if message.type == "error":
            where = (message.location or {}).get("url", "")
            self.problems.append(f"console: {message.text} ({where})")

    def _response(self, response):
        if response.status >= 500:
            self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def take_problems(self) -> list[str]:
        problems, self.problems = self.problems, []
        return problems

    def log_in(self, username: str) -> None:
        page = self.page
        page.goto("/auth/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(self.password)
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()
        assert "/auth/login" not in page.url, page.locator("main").inner_text()

    def htmx_ready(self, selector: str) -> None:
        """Wait until htmx has wired up ``selector``: content it swaps in gets its listeners
        a moment later (htmx's settle step), and a test can act within that moment."""
        self.page.wait_for_function(
            "s => { const e = document.querySelector(s); return !!(e && e['htmx-internal-data']"
            " && e['htmx-internal-data'].initHash); }", arg=selector)

    def shot(self, name: str) -> Path:
        path = self.artifacts / f"{name}.png"
        # caret="initial": by default Playwright hides the caret by adding style="" to every
        # input, and htmx's settle step later copies that attribute onto swapped elements,
        # which the CSP (style-src 'self') rightly blocks: a false alarm made by the test.
        # From the top: a full-page shot of a scrolled page draws the sticky top bar mid-page.
        self.page.evaluate("window.scrollTo(0, 0)")
        self.page.screenshot(path=str(path), full_page=True, caret="initial")
        return path

    def overflow(self, width: int = WIDTH) -> str | None:
        """None when the page fits ``width`` (no sideways scrolling); else what sticks out."""
        result = self.page.evaluate(OVERFLOW_JS, width)
        if result["scrollWidth"] <= width:
            return None
        return f"scrollWidth {result['scrollWidth']} > {width}: " + ", ".join(result["culprits"])

    def axe(self, context: str | None = None) -> list[str]:
        """axe-core's violations of WCAG 2 A/AA, 2.1 AA and its best practices on the page as
        it is now (``context``: a CSS selector to check only a part), one line per violation
        and element. axe-core is vendored for the tests (``vendor/axe.min.js``, MPL-2.0) and
        evaluated through DevTools, outside the page's Content-Security-Policy."""
        page = self.page
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
        result = page.evaluate(AXE_RUN_JS, context)
        return ([f"{v['id']} ({v['impact']}): {node}" for v in result for node in v["nodes"]]
                + page.evaluate(IDS_AND_LABELS_JS))

    def small_targets(self, minimum: int = 44) -> list[str]:
        """Visible controls under ``minimum`` CSS px high or wide."""
        return self.page.evaluate(SMALL_TARGETS_JS, minimum)

    def step(self, name: str) -> list[str]:
        """A screenshot named ``name``, and what is wrong with the page as it is now:
        sideways scrolling, small targets, console errors and the rest of ``take_problems``."""
        self.shot(name)
        overflow, small = self.overflow(), self.small_targets()
        return [p for p in [overflow, "small: " + "; ".join(small) if small else None, *self.take_problems()] if p]


AXE_SOURCE = HERE / "vendor" / "axe.min.js"
AXE_RUN_JS = """
async (context) => {
  const result = await axe.run(context || document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact,
    nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary.replace(/\\s+/g, " ").slice(0, 300)}`),
  }));
}
"""

# What axe-core 4.x no longer reports (its duplicate-id rules are retired): an id used twice,
# and a control that no label names although a label points at its id (the label then
# names, and a tap on it focuses, the first control with that id).
IDS_AND_LABELS_JS = """
() => {
  const out = [], seen = new Map();
  for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  for (const [id, n] of seen) if (n > 1) out.push(`duplicate-id: #${id} ${n} times`);
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (!el.labels.length && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
      out.push(`unlabelled-control: ${el.tagName.toLowerCase()}[name=${el.name}]`);
  }
  return out;
}
"""

# What sticks out of the phone: the innermost elements whose box or content reaches past
# ``width``. Children of a horizontal scroller (tables in .scroll, chips) are fine.
OVERFLOW_JS = """
(width) => {
  const scrolls = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll" || o === "hidden" || o === "clip") return true;
    }
    return false;
  };
  const found = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (!r.width) continue;
    const right = Math.max(r.right, r.left + el.scrollWidth);
    if (right > width + 0.5 && !scrolls(el)) found.push([el, right]);
  }
  const innermost = found.filter(([a]) => !found.some(([b]) => b !== a && a.contains(b)));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    culprits: innermost.slice(0, 8).map(([el, right]) => {
      const cls = typeof el.className === "string" && el.className.trim()
        ? "." + el.className.trim().split(/\\s+/).join(".") : "";
      const text = (el.innerText || "").trim().replace(/\\s+/g, " ").slice(0, 30);
      return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${cls} "${text}" (to ${Math.round(right)} px)`;
    }),
  };
}
"""

# Visible controls smaller than 44 x 44 CSS px. A link inside running text is exempt
# (WCAG 2.5.8's "inline" exception): the line of text sets its size.
SMALL_TARGETS_JS = """
(min) => {
  const out = [];
  const sel = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!r.width || !r.height || style.visibility === "hidden") continue;
    if (el.tagName === "A" && style.display === "inline" && el.parentElement
        && el.parentElement.textContent.trim() !== el.textContent.trim()) continue;
    let w = r.width, h = r.height;
    const label = el.closest("label");  // a checkbox counts with its clickable label
    if (label) { const lr = label.getBoundingClientRect(); w = Math.max(w, lr.width); h = Math.max(h, lr.height); }
    if (w < min - 0.5 || h < min - 0.5) {
      const text = (el.innerText || el.value || el.name || el.id || "").trim().replace(/\\s+/g, " ").slice(0, 24);
      out.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${text}" ${Math.round(w)}x${Math.round(h)}`);
    }
  }
  return out;
}
"""
