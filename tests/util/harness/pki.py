"""Test certificates through scripts/dev-pki.sh (one implementation for tests and demo)."""
import subprocess
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
