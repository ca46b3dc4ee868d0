"""The dashboard as `streamlit run app.py` starts it: bound to this machine only, and no
outbound request at start (issue 13)."""
from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.browser import free_port

PROJECT = Path(__file__).resolve().parent.parent


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the LISTEN sockets on ``port`` (from /proc/net/tcp and tcp6)."""
    out = set()
    for name in ("tcp", "tcp6"):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == port and fields[3] == "0A":
                out.add(address)
    return out


LOOPBACK = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1


def test_the_dashboard_listens_on_loopback_only_and_looks_up_no_external_ip(tmp_path):
    port = free_port()
    log = tmp_path / "streamlit.log"
    with open(log, "w") as out:
        # the project's own .streamlit/config.toml decides the address: none is passed here
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--", "--db", str(tmp_path / "store.sqlite")],
            cwd=PROJECT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
        addresses = listening_addresses(port)
        assert addresses and addresses <= LOOPBACK, addresses
        printed = log.read_text()
        assert "External URL" not in printed and "Network URL" not in printed
    finally:
        proc.terminate()
        proc.wait(timeout=10)
