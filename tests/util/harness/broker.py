"""A real Mosquitto with mutual TLS, identity from the certificate CN and the repo's ACL."""
import os
import shutil
import signal
import subprocess
from pathlib import Path

from .pki import Pki
from .ports import REPO, free_port, port_open, wait_for

ACL = REPO / "config" / "mosquitto" / "ccc-acl"
DYNSEC_PLUGIN = Path("/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so")
# No dynsec clients, groups or roles: devices and the relay are unknown to the plugin, so
# its ACL check defers to acl_file. It is loaded for its control API (eviction) only.
DYNSEC_EMPTY = ('{"defaultACLAccess":{"publishClientSend":false,"publishClientReceive":true,'
                '"subscribe":false,"unsubscribe":true},"clients":[],"groups":[],"roles":[]}\n')


class Broker:
    """Starts `mosquitto -c <generated config>` on a free loopback port.

    The config is derived from config/mosquitto/ccc.conf's settings (same listener options,
    the repo's ACL); only paths and the port differ. Persistence lives in `directory`, so a
    stop()/start() keeps sessions and queued messages like a real broker restart.

    Revocation (issue 3, docs/broker-revocation.md): with `device_ca` (a path to a device CA
    certificate, or an object with .cert/.key such as pki.DeviceCa) the broker gets the
    production layout of config/mosquitto/ccc.conf: a second listener on `device_port` for
    agents only (cafile = the device CA, crlfile = `crl_path`, client id forced to the
    certificate CN), while `port` stays the relay's listener (the Pki's CA). With `dynsec`
    the dynamic-security plugin is loaded so the relay can kick sessions. The broker writes
    its pid to `pid_path` (for a BrokerControl reload_pid_file).
    """

    def __init__(self, directory: Path, pki: Pki, port: int | None = None, extra: str = "",
                 device_ca=None, dynsec: bool = False, device_port: int | None = None):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.pki = pki
        self.port = port or free_port()
        self.extra = extra
        self.proc = None
        self.log_path = self.dir / "mosquitto.log"
        self.cert, self.key = pki.server("broker")
        self.conf_path = self.dir / "mosquitto.conf"
        self.pid_path = self.dir / "mosquitto.pid"
        self.crl_path = self.dir / "devices.crl"
        self.dynsec_path = self.dir / "dynamic-security.json"
        self.device_port: int | None = None
        self.device_ca_cert: Path | None = None
        self.dynsec = False
        if device_ca is not None or dynsec:
            self.enable_revocation(device_ca, dynsec=dynsec, device_port=device_port)
        else:
            self._write_config()

    def enable_revocation(self, device_ca=None, dynsec: bool = True,
                          device_port: int | None = None):
        """Switches on the device listener and/or dynsec (before start(); see the class doc).

        device_ca: path of the device CA certificate, or an object with .cert and .key. With
        a key, an empty CRL of that CA is written to crl_path when none exists yet (Mosquitto
        will not start without its crlfile); with a certificate only, write_crl() first."""
        assert self.proc is None, "enable_revocation() before start()"
        if device_ca is not None:
            cert = Path(getattr(device_ca, "cert", device_ca))
            key = getattr(device_ca, "key", None)
            self.device_ca_cert = cert
            self.device_port = device_port or self.device_port or free_port()
            if key is not None and not self.crl_path.exists():
                from .pki import crl_pem
                self.write_crl(crl_pem(cert, Path(key)))
        if dynsec:
            self.dynsec = True
            if not self.dynsec_path.exists():
                self.dynsec_path.write_text(DYNSEC_EMPTY)
        self._write_config()

    def write_crl(self, pem: str):
        """Atomically replaces crl_path (takes effect for new connections on reload())."""
        tmp = self.crl_path.with_name(self.crl_path.name + ".tmp")
        tmp.write_text(pem)
        tmp.chmod(0o644)
        os.replace(tmp, self.crl_path)

    def _device_listener(self) -> str:
        if self.device_port is None:
            return ""
        return f"""
# Agents only: device CA, its CRL, client id = certificate CN (no takeover of another
# device's session by choosing its client id).
listener {self.device_port} 127.0.0.1
protocol mqtt
cafile {self.device_ca_cert}
certfile {self.cert}
keyfile {self.key}
tls_version tlsv1.2
require_certificate true
use_identity_as_username true
use_username_as_clientid true
crlfile {self.crl_path}
"""

    def _dynsec(self) -> str:
        if not self.dynsec:
            return ""
        return f"plugin {DYNSEC_PLUGIN}\nplugin_opt_config_file {self.dynsec_path}\n"

    def _write_config(self):
        acl = self.dir / "acl"
        shutil.copyfile(ACL, acl)
        persist = self.dir / "persist"
        persist.mkdir(exist_ok=True)
        self.conf_path.write_text(f"""per_listener_settings false
allow_anonymous false
pid_file {self.pid_path}
{self._dynsec()}listener {self.port} 127.0.0.1
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
{self._device_listener()}{self.extra}
""" + ("user root\n" if os.geteuid() == 0 else ""))
        # A test broker stays root: its files live in private temp folders that the
        # 'mosquitto' user could not read. The packaged config (config/mosquitto/ccc.conf)
        # keeps the privilege drop; see README for the file permissions it needs.

    def start(self, timeout: float = 10.0):
        assert self.proc is None, "broker already running"
        self.stderr_path = self.dir / "mosquitto.stderr"
        with open(self.stderr_path, "wb") as stderr:
            # Own process group: a Ctrl-C meant for the demo or pytest does not reach it
            # before the relay and agents are stopped.
            self.proc = subprocess.Popen(["mosquitto", "-c", str(self.conf_path)],
                                         stdout=subprocess.DEVNULL, stderr=stderr,
                                         process_group=0)
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
        """SIGHUP: re-reads ACL and CRL files. Mosquitto 2.0.11 applies a new CRL to new
        handshakes only: a connected client with a now revoked certificate stays connected
        (tests/integration/test_revocation.py shows it)."""
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
