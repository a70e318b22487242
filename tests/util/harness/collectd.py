"""Debian's collectd doing the agent's telemetry job, as the peer in the agent footprint
benchmark: cpu + memory plugins every `interval` seconds, published by the mqtt plugin
(QoS 1) to the harness broker over TLS with its own client certificate."""
import signal
import subprocess
from pathlib import Path

from .pki import Pki
from .ports import wait_for

COLLECTD = "/usr/sbin/collectd"
PLUGIN_DIR = Path("/usr/lib/collectd")
TYPES_DB = Path("/usr/share/collectd/types.db")


def available() -> str | None:
    """None when collectd and its mqtt plugin are installed, else the reason they are not."""
    for path in (Path(COLLECTD), PLUGIN_DIR / "mqtt.so", PLUGIN_DIR / "cpu.so",
                 PLUGIN_DIR / "memory.so", TYPES_DB):
        if not path.exists():
            return f"{path} is missing (Debian package collectd-core)"
    return None


class Collectd:
    """Starts `collectd -f -C <generated config>` publishing to the broker on `broker_port`.

    Topics are ccc/v1/dev/<cn>/collectd/<host>/<plugin>/<type>: inside the subtree the
    repo's ACL grants the certificate's CN, and outside ccc/v1/dev/+/up/#, so the relay
    never sees them. The broker's certificate names localhost and 127.0.0.1; libmosquitto
    verifies the host name, so we connect to "localhost".
    """

    def __init__(self, directory: Path, pki: Pki, broker_port: int, cn: str = "bench-collectd",
                 interval: float = 1.0, hostname: str = "bench"):
        reason = available()
        if reason:
            raise RuntimeError(reason)
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.cn = cn
        self.cert, self.key = pki.client(cn)
        self.ca = pki.ca
        self.port = broker_port
        self.interval = interval
        self.hostname = hostname
        self.proc = None
        self.log_path = self.dir / "collectd.log"
        self.conf_path = self.dir / "collectd.conf"
        self._write_config()

    @property
    def topic_prefix(self) -> str:
        return f"ccc/v1/dev/{self.cn}/collectd"

    def _write_config(self):
        self.conf_path.write_text(f"""Hostname "{self.hostname}"
FQDNLookup false
BaseDir "{self.dir}"
PIDFile "{self.dir}/collectd.pid"
PluginDir "{PLUGIN_DIR}"
TypesDB "{TYPES_DB}"
Interval {self.interval}
ReadThreads 1
WriteThreads 1

LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "{self.log_path}"
  Timestamp true
</Plugin>

LoadPlugin cpu
LoadPlugin memory
LoadPlugin mqtt

<Plugin cpu>
  ReportByCpu false
  ReportByState false
  ValuesPercentage true
</Plugin>

<Plugin memory>
  ValuesAbsolute true
  ValuesPercentage false
</Plugin>

<Plugin mqtt>
  <Publish "ccc">
    Host "localhost"
    Port "{self.port}"
    ClientId "{self.cn}"
    Prefix "{self.topic_prefix}"
    QoS 1
    Retain false
    CACert "{self.ca}"
    CertificateFile "{self.cert}"
    CertificateKeyFile "{self.key}"
    TLSProtocol "tlsv1.2"
  </Publish>
</Plugin>
""")

    def start(self, timeout: float = 10.0):
        assert self.proc is None, "collectd already running"
        check = subprocess.run([COLLECTD, "-t", "-C", str(self.conf_path)],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"collectd rejects its config: {check.stdout}{check.stderr}")
        self.proc = subprocess.Popen([COLLECTD, "-f", "-C", str(self.conf_path)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_for(lambda: self.proc.poll() is None and "Initialization complete" in self.log(),
                     timeout, what="collectd initialisation")
        except TimeoutError:
            err = self.proc.stderr.read().decode(errors="replace") if self.proc.poll() is not None else ""
            self.stop()
            raise RuntimeError(f"collectd did not start: {err}\n{self.log()}")
        return self

    def wait_connected(self, broker, timeout: float = 15.0):
        """Waits until the broker logs this client's connection (collectd connects on its
        first write, i.e. after one interval)."""
        wait_for(lambda: f"u'{self.cn}'" in broker.log(), timeout,
                 what=f"collectd connecting to the broker as {self.cn}")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
