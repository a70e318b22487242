"""A real Mosquitto with mutual TLS, identity from the certificate CN and the repo's ACL."""
import os
import shutil
import signal
import subprocess
from pathlib import Path

from .pki import Pki
from .ports import REPO, free_port, port_open, wait_for

ACL = REPO / "config" / "mosquitto" / "ccc-acl"


class Broker:
    """Starts `mosquitto -c <generated config>` on a free loopback port.

    The config is derived from config/mosquitto/ccc.conf's settings (same listener options,
    the repo's ACL); only paths and the port differ. Persistence lives in `directory`, so a
    stop()/start() keeps sessions and queued messages like a real broker restart.
    """

    def __init__(self, directory: Path, pki: Pki, port: int | None = None, extra: str = ""):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.pki = pki
        self.port = port or free_port()
        self.extra = extra
        self.proc = None
        self.log_path = self.dir / "mosquitto.log"
        self.cert, self.key = pki.server("broker")
        self.conf_path = self.dir / "mosquitto.conf"
        self._write_config()

    def _write_config(self):
        acl = self.dir / "acl"
        shutil.copyfile(ACL, acl)
        persist = self.dir / "persist"
        persist.mkdir(exist_ok=True)
        self.conf_path.write_text(f"""per_listener_settings false
allow_anonymous false
listener {self.port} 127.0.0.1
protocol mqtt
cafile {self.pki.ca}
certfile {self.cert}
keyfile {self.key}
tls_version tlsv1.2
require_certificate true
use_identity_as_username true
acl_file {acl}
persistence true
persistence_location {persist}/
autosave_interval 1
max_queued_messages 1000000
max_queued_bytes 1073741824
max_inflight_messages 100
max_packet_size 16777216
log_dest file {self.log_path}
log_type error
log_type warning
log_type notice
log_type information
connection_messages true
{self.extra}
""" + ("user root\n" if os.geteuid() == 0 else ""))
        # A test broker stays root: its files live in private temp folders that the
        # 'mosquitto' user could not read. The packaged config (config/mosquitto/ccc.conf)
        # keeps the privilege drop; see README for the file permissions it needs.

    def start(self, timeout: float = 10.0):
        assert self.proc is None, "broker already running"
        self.stderr_path = self.dir / "mosquitto.stderr"
        with open(self.stderr_path, "wb") as stderr:
            self.proc = subprocess.Popen(["mosquitto", "-c", str(self.conf_path)],
                                         stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            wait_for(lambda: self.proc.poll() is None and port_open(self.port), timeout,
                     what=f"mosquitto on port {self.port}")
        except TimeoutError:
            err = self.stderr_path.read_text(errors="replace")
            raise RuntimeError(f"mosquitto did not start: {err}\n{self.log()}")
        return self

    def stop(self):
        """Graceful stop: SIGTERM saves the persistence file, as on a real restart."""
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def reload(self):
        """SIGHUP: re-reads ACL and CRL files (does not drop connected clients)."""
        self.proc.send_signal(signal.SIGHUP)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
