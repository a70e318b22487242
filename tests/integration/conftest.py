"""Fixtures for the integration tests: real Mosquitto, ccc-relay and ccc-agent processes on
loopback (tests/util/harness). When a test fails, the tail of every process log is attached
to its report."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "util"))

from harness.fleet import Fleet  # noqa: E402
from harness.pki import Pki  # noqa: E402

LOG_TAIL_LINES = 80


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def fleet(tmp_path, pki):
    """An empty Fleet (broker not started yet); everything it started is stopped afterwards.
    A missing ccc-agent/ccc-relay fails the test (harness.processes.binary), never skips it."""
    f = Fleet(tmp_path / "fleet", pki)
    yield f
    f.stop_all()


def _log_tail(process) -> str:
    try:
        text = Path(process.log_path).read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-LOG_TAIL_LINES:])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when not in ("setup", "call") or not report.failed:
        return
    f = getattr(item, "funcargs", {}).get("fleet")
    for p in (f.processes if f is not None else []):
        label = getattr(p, "device_id", None) or getattr(p, "name", type(p).__name__)
        report.sections.append((f"log tail: {label} ({p.log_path})", _log_tail(p)))
