"""Test certificates through scripts/dev-pki.sh (one implementation for tests and demo)."""
import os
import subprocess
import tempfile
import time
from pathlib import Path

from .ports import REPO

DEV_PKI = REPO / "scripts" / "dev-pki.sh"


class Pki:
    def __init__(self, directory: Path):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._run("ca")
        self.ca = self.dir / "ca.crt"

    def _run(self, *args):
        subprocess.run([str(DEV_PKI), str(self.dir), *args], check=True)

    def server(self, name: str = "broker"):
        if not (self.dir / f"{name}.crt").exists():
            self._run("server", name)
        return self.dir / f"{name}.crt", self.dir / f"{name}.key"

    def clients(self, *cns: str):
        todo = [cn for cn in cns if not (self.dir / f"{cn}.crt").exists()]
        # dev-pki.sh takes many CNs at once; chunk to keep the command line short.
        for i in range(0, len(todo), 200):
            self._run("client", *todo[i:i + 200])
        return {cn: (self.dir / f"{cn}.crt", self.dir / f"{cn}.key") for cn in cns}

    def client(self, cn: str):
        return self.clients(cn)[cn]

    @property
    def ca_key(self) -> Path:
        return self.dir / "ca.key"

    def crl(self, *revoked_cns: str) -> str:
        """A CRL of this test CA revoking the certificates of `revoked_cns` (PEM)."""
        return crl_pem(self.ca, self.ca_key, [cert_serial(self.dir / f"{cn}.crt")
                                              for cn in revoked_cns])

    def device_ca(self, name: str = "device-ca") -> "DeviceCa":
        """A separate CA for device certificates in <dir>/<name> (kept between calls)."""
        return DeviceCa(self.dir / name)


# ---------------------------------------------------------------------------------------
# Revocation (issue 3): a device CA like the relay's, and CRLs for any CA.

_CRL_CONFIG = """[ca]
default_ca = d
[d]
database = {db}/index.txt
crlnumber = {db}/crlnumber
default_md = sha256
default_crl_days = {days}
"""


def cert_serial(cert: Path) -> str:
    """The certificate's serial as upper-case hex (as OpenSSL prints it)."""
    out = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-serial"],
                         check=True, capture_output=True, text=True).stdout
    return out.strip().split("=", 1)[1].upper()


def crl_pem(ca_cert: Path, ca_key: Path, revoked_serials=(), days: int = 30) -> str:
    """A CRL signed by the CA listing `revoked_serials` (hex), valid for `days`. Works for
    any CA key/certificate pair, e.g. the relay's device-ca.key/.crt in its data_dir."""
    with tempfile.TemporaryDirectory(prefix="ccc-crl-") as tmp:
        db = Path(tmp)
        lines = []
        for serial in revoked_serials:
            serial = serial.upper().lstrip("0") or "0"
            serial = serial if len(serial) % 2 == 0 else "0" + serial
            # index.txt: status, expiry, revocation time, serial, file, subject.
            lines.append(f"R\t491231235959Z\t200101000000Z\t{serial}\tunknown\t/CN=revoked\n")
        (db / "index.txt").write_text("".join(lines))
        # CRL number = now (even number of hex digits), so later CRLs carry larger numbers.
        (db / "crlnumber").write_text(f"{int(time.time()):010X}\n")
        conf = db / "ca.cnf"
        conf.write_text(_CRL_CONFIG.format(db=db, days=days))
        out = db / "crl.pem"
        subprocess.run(["openssl", "ca", "-batch", "-config", str(conf), "-gencrl",
                        "-keyfile", str(ca_key), "-cert", str(ca_cert), "-out", str(out)],
                       check=True, capture_output=True)
        return out.read_text()


class DeviceCa:
    """A CA of its own for device certificates, as the relay's device CA is (separate from
    the Pki that signs the broker's and the relay's certificates). EC P-256 like the relay.

    client(cn) issues a client certificate; revoke(cn) puts it on the list; crl() is the
    current CRL (PEM) of this CA."""

    def __init__(self, directory: Path, name: str = "ccc device CA"):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.cert = self.dir / "device-ca.crt"
        self.key = self.dir / "device-ca.key"
        self.revoked: list[str] = []
        if not self.cert.exists():
            _new_key(self.key)
            subprocess.run(["openssl", "req", "-x509", "-new", "-key", str(self.key),
                            "-subj", f"/CN={name}", "-days", "3650", "-sha256",
                            "-addext", "basicConstraints=critical,CA:TRUE",
                            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                            "-out", str(self.cert)], check=True, capture_output=True)

    def client(self, cn: str, renew: bool = False):
        """(cert, key) for cn; renew=True issues a new key and certificate (new serial), as
        pairing the same PBX again does."""
        crt, key = self.dir / f"{cn}.crt", self.dir / f"{cn}.key"
        if renew or not crt.exists():
            _new_key(key)
            csr = self.dir / f"{cn}.csr"
            subprocess.run(["openssl", "req", "-new", "-key", str(key), "-subj", f"/CN={cn}",
                            "-out", str(csr)], check=True, capture_output=True)
            ext = self.dir / "client.ext"
            ext.write_text("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                           "extendedKeyUsage=clientAuth\n")
            subprocess.run(["openssl", "x509", "-req", "-in", str(csr), "-CA", str(self.cert),
                            "-CAkey", str(self.key), "-set_serial",
                            "0x" + os.urandom(16).hex(), "-days", "30", "-sha256",
                            "-extfile", str(ext), "-out", str(crt)],
                           check=True, capture_output=True)
            csr.unlink()
        return crt, key

    def revoke(self, cn: str) -> str:
        serial = cert_serial(self.dir / f"{cn}.crt")
        if serial not in self.revoked:
            self.revoked.append(serial)
        return serial

    def crl(self) -> str:
        return crl_pem(self.cert, self.key, self.revoked)


def _new_key(path: Path):
    subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-out", str(path)], check=True,
                   capture_output=True)
    path.chmod(0o600)
