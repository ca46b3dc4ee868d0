"""Helpers for the browser tests: a real Streamlit server and Debian's headless Chromium."""
from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from geo.render import CHROMIUM_ARGS as EXPORT_CHROMIUM_ARGS, find_chromium

PROJECT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [*EXPORT_CHROMIUM_ARGS, "--disable-component-update", "--disable-sync",
                 "--no-first-run"]
# the map's page: geo.render.mapview's HTML in st.iframe (the only iframe on the dashboard)
MAP_FRAME = 'iframe[data-testid="stIFrame"]'


def wait_for_map(page, timeout_ms: int = 120_000):
    """The map's frame once its first marker is drawn."""
    page.wait_for_selector(MAP_FRAME, timeout=timeout_ms)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".geo-marker").first.wait_for(timeout=timeout_ms)
    return frame


def click_biggest(frame, selector: str = "path.geo-casualty") -> None:
    """Open the popup of the biggest marker matching ``selector`` in the map's frame: a DOM
    click at its centre (a pointer click may land on a smaller circle drawn over it, and
    Leaflet opens the popup where clicked)."""
    frame.locator(selector).evaluate_all("""els => {
        const big = els.reduce((a, b) => a.getBBox().width >= b.getBBox().width ? a : b);
        const r = big.getBoundingClientRect();
        big.dispatchEvent(new MouseEvent("click", {bubbles: true,
            clientX: r.x + r.width / 2, clientY: r.y + r.height / 2}));
    }""")


def download(page, button: str, path, timeout_ms: int = 120_000):
    """Click a download button and save what it sends to ``path``."""
    with page.expect_download(timeout=timeout_ms) as info:
        page.get_by_role("button", name=button).click()
    info.value.save_as(path)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(db: Path, timeout: float = 120.0, sample: bool = True):
    """Start ``streamlit run app.py`` on a free port; yield its URL; stop it afterwards.
    With ``sample`` an empty store gets the bundled sample first (``-- --sample``)."""
    port = free_port()
    # a PostGIS store is a URL: its server's log goes to the temporary folder
    log_path = (Path(db).parent if "://" not in str(db) else Path(tempfile.gettempdir())) \
        / "streamlit.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--", "--db", str(db), *(["--sample"] if sample else [])],
        cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("streamlit did not start:\n" + log_path.read_text())
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _local_only(route):
    host = urlparse(route.request.url).hostname or ""
    if route.request.url.startswith(("data:", "blob:", "file:")) or host in ("127.0.0.1", "localhost"):
        return route.continue_()
    return route.abort()  # the tests prove the map needs no internet


@contextlib.contextmanager
def browser_page(width: int = 1400, height: int = 1000):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), headless=True,
                                     args=CHROMIUM_ARGS)
        page = new_page(browser, width, height)
        try:
            yield page
        finally:
            page.context.close()
            browser.close()


def new_page(browser, width: int = 1400, height: int = 1000):
    """A page in a new context (its own Streamlit session) with non-local requests blocked."""
    context = browser.new_context(viewport={"width": width, "height": height},
                                  accept_downloads=True)
    context.route("**/*", _local_only)
    return context.new_page()


def wait_until(page, condition, what: str, tries: int = 120, every_ms: int = 500):
    """Poll ``condition()`` every ``every_ms`` (``tries`` times) until it returns something
    true, and return it; fail the test with ``what`` otherwise."""
    import pytest

    for _ in range(tries):
        value = condition()
        if value:
            return value
        page.wait_for_timeout(every_ms)
    pytest.fail(f"timed out waiting for {what}")
