"""scripts/install.sh's own Python steps run against the current package (a moved module once
broke a fresh install while every other test passed)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_install_scripts_python_steps_run():
    script = (ROOT / "scripts" / "install.sh").read_text(encoding="utf-8")
    steps = re.findall(r'^python3 -c "(.+)"$', script, flags=re.M)
    assert len(steps) >= 2  # the gazetteer index and the dashboard's static files
    for code in steps:
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, f"{code}\n{done.stderr}"


def test_the_install_script_installs_what_the_tests_need():
    script = (ROOT / "scripts" / "install.sh").read_text(encoding="utf-8")
    assert "-r requirements.txt" in script and "-r requirements-test.txt" in script
