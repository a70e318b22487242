"""The portal in a real browser (issue 4): runs tests/e2e/run_portal_e2e.py, which starts
Mosquitto, ccc-relay serving the built portal (<build>/web, CMake target ccc_web) and
simulated agents, and drives headless Debian chromium through relay/web/e2e/*.spec.ts with
Playwright. Screenshots of every page visited land in <build>/portal-screenshots."""
import os
import subprocess
import sys
from pathlib import Path

LAUNCHER = Path(__file__).resolve().parents[1] / "e2e" / "run_portal_e2e.py"


def test_the_portal_passes_its_browser_tests(capfd):
    build_dir = Path(os.environ["CCC_BIN_DIR"]).resolve().parent if "CCC_BIN_DIR" in os.environ \
        else None
    cmd = [sys.executable, str(LAUNCHER)] + (["--build-dir", str(build_dir)] if build_dir else [])
    # Playwright's list reporter streams into ctest's log as the specs run.
    with capfd.disabled():
        result = subprocess.run(cmd, timeout=420)
    assert result.returncode == 0, f"browser tests failed (exit {result.returncode}); see above"
