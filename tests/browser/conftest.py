"""Headless Chromium for the view tests: Debian's browser, driven by Playwright for Python.

Never a browser download: Playwright is pointed at the system Chromium. Without Playwright
or without that browser, every test here skips and says which is missing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

#: The system browser; POLICYGRAPH_CHROMIUM points elsewhere (e.g. a Chrome build).
CHROMIUM = Path(
    os.environ.get("POLICYGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
)

#: Flags that keep the browser from reaching out on its own (updates, sync, QUIC probes) and
#: let it run as root in a container. Playwright adds --headless and a fresh --user-data-dir.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: Set by any attempt to run code smuggled in through document text.
HOOKS = """
window.__pgDialogs = [];
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = function (message) { window.__pgDialogs.push(String(message)); };
}
"""


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed: pip install -e '.[test]'")
    if not CHROMIUM.is_file():
        pytest.skip(
            f"no Chromium at {CHROMIUM}: install Debian's chromium (.ci/run does) "
            "or set POLICYGRAPH_CHROMIUM"
        )
    manager = sync_playwright().start()
    try:
        launched = manager.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    except Error as error:
        manager.stop()
        first_line = str(error).strip().splitlines()[0]
        pytest.skip(f"Chromium at {CHROMIUM} did not start: {first_line}")
    yield launched
    launched.close()
    manager.stop()


@dataclass
class View:
    """One page opened offline, with everything it tried to load and every error it logged."""

    page: Any
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: object = None) -> Any:
        # A function, not a bare expression: the page's CSP forbids eval of strings.
        return self.page.evaluate(expression, arg)


@pytest.fixture
def open_view(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_(path: Path, *, width: int = 1400, height: int = 900, ready: bool = True) -> View:
        # ready=False: a page that runs no script (the list of indicators) is only loaded.
        context = browser.new_context(
            offline=True, viewport={"width": width, "height": height}, device_scale_factor=1
        )
        contexts.append(context)
        context.add_init_script(HOOKS)
        page = context.new_page()
        view = View(page)

        def block(route: Any) -> None:
            view.blocked.append(route.request.url)
            route.abort()

        context.route("http*://**", block)
        page.on("request", lambda request: view.requests.append(request.url))
        page.on("console", lambda m: view.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: view.errors.append(str(error)))
        page.on("dialog", lambda dialog: (view.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(path.resolve().as_uri())
        if not ready:
            return view
        page.wait_for_function(
            "() => window.policygraphView && window.policygraphView.ready", timeout=30_000
        )
        return view

    yield open_
    for context in contexts:
        context.close()
