"""A control-center site on loopback for tests, the demo and benchmarks: Mosquitto in the
production layout (agents' listener with the relay's device CA + CRL, relay listener, the
dynamic-security plugin for evictions; docs/broker-revocation.md), a relay with pairing and
broker control configured, an operator-made company and user, and a logged-in portal API
client. Agents are paired through the real flow (`ccc-agent pair CODE`)."""
import json
import subprocess
import urllib.error
import urllib.request

from .broker import Broker
from .processes import Agent, Relay, binary

_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Portal:
    """A logged-in API client of the relay: session cookie + X-CSRF-Token on changes."""

    def __init__(self, base_url: str):
        self.base = base_url
        self.cookie = None
        self.csrf = None

    def call(self, method: str, path: str, body=None) -> tuple[int, dict]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.cookie:
            request.add_header("Cookie", self.cookie)
        if self.csrf and method not in ("GET", "HEAD"):
            request.add_header("X-CSRF-Token", self.csrf)
        try:
            with _DIRECT.open(request, timeout=15) as response:
                status, headers, text = response.status, response.headers, response.read()
        except urllib.error.HTTPError as e:
            status, headers, text = e.code, e.headers, e.read()
        if method == "POST" and path == "/api/v1/session" and status == 200:
            for value in headers.get_all("Set-Cookie") or []:
                if value.startswith("ccc_session="):
                    self.cookie = value.split(";", 1)[0]
        return status, (json.loads(text) if text else {})

    def login(self, email: str, password: str):
        status, body = self.call("POST", "/api/v1/session",
                                 {"email": email, "password": password})
        assert status == 200, body
        self.csrf = body["csrf_token"]
        assert self.cookie, "no ccc_session cookie in the login answer"

    def create_system(self, name: str, serial: str) -> dict:
        status, body = self.call("POST", "/api/v1/systems", {"name": name, "serial": serial})
        assert status == 201, body
        assert body["confirmation_code"] and body["confirmation_code"]["code"], body
        return body

    def system(self, system_id: int) -> dict:
        status, body = self.call("GET", f"/api/v1/systems/{system_id}")
        assert status == 200, body
        return body

    # --- Raw calls for API tests (bearer tokens, source addresses, crafted bodies) ------

    def use_source(self, address: str) -> "Portal":
        """Sends every send() from this loopback address (e.g. "127.0.0.7"), so the relay's
        per-address throttles and audit addresses see one client per Portal."""
        self.source = address
        return self

    def use_token(self, token: str | None) -> "Portal":
        """send() authenticates with "Authorization: Bearer <token>" (no cookie, no CSRF)."""
        self.token = token
        return self

    def send(self, method: str, path: str, body=None, *, raw: bytes | None = None,
             headers: dict | None = None, content_type: str | None = "application/json",
             session: bool = True, csrf: bool = True,
             timeout: float = 30) -> tuple[int, object, dict]:
        """One request over a fresh connection; nothing is followed or retried.

        body is sent as JSON; raw (bytes) is sent as is instead. The session cookie goes
        along when `session` and the Portal is logged in, X-CSRF-Token with it on every
        method but GET/HEAD when `csrf`; a token set by use_token() is sent as a bearer
        token instead of the cookie. `headers` are added last (and win). Returns (status,
        parsed JSON body or the text when it is not JSON, {lower-case name: [values]})."""
        import http.client
        import urllib.parse
        url = urllib.parse.urlsplit(self.base)
        source = getattr(self, "source", None)
        connection = http.client.HTTPConnection(
            url.hostname, url.port, timeout=timeout,
            source_address=(source, 0) if source else None)
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        sent = {}
        if data is not None and content_type is not None:
            sent["Content-Type"] = content_type
        token = getattr(self, "token", None)
        if token:
            sent["Authorization"] = f"Bearer {token}"
        elif session and self.cookie:
            sent["Cookie"] = self.cookie
            if csrf and self.csrf and method not in ("GET", "HEAD"):
                sent["X-CSRF-Token"] = self.csrf
        sent.update(headers or {})
        try:
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            text = response.read()
            received: dict[str, list[str]] = {}
            for name, value in response.getheaders():
                received.setdefault(name.lower(), []).append(value)
            status = response.status
        finally:
            connection.close()
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text.decode(errors="replace")
        return status, parsed, received

    def login_with(self, email: str, password: str) -> "Portal":
        """login() over send(): from this Portal's source address; keeps cookie + CSRF."""
        status, body, headers = self.send("POST", "/api/v1/session",
                                          {"email": email, "password": password},
                                          session=False)
        assert status == 200, body
        cookies = [v.split(";", 1)[0] for v in headers.get("set-cookie", [])
                   if v.startswith("ccc_session=")]
        assert cookies, "no ccc_session cookie in the login answer"
        self.cookie, self.csrf = cookies[-1], body["csrf_token"]
        return self


class Site:
    """Everything of the module: broker, relay, a logged-in portal user."""

    def __init__(self, directory, pki, company: str, email: str, password: str,
                 code_ttl_s: int = 86400, relay_overrides: dict | None = None,
                 http_port: int | None = None, relay_dir=None, company_admin: bool = False,
                 user_name: str | None = None):
        """relay_dir: the relay's folder (relay.toml, data/, log; default <directory>/relay).
        company_admin, user_name: the user is created as the company's administrator, with
        that display name."""
        self.dir = directory
        self.relay_dir = relay_dir if relay_dir is not None else directory / "relay"
        self.company_admin = company_admin
        self.user_name = user_name
        self.company, self.email, self.password = company, email, password
        self.code_ttl_s = code_ttl_s
        self.relay_overrides = relay_overrides or {}
        self.http_port = http_port
        self.pki = pki
        self.device_ca = pki.device_ca("pairing-device-ca")
        self.broker = Broker(directory / "broker", pki, device_ca=self.device_ca, dynsec=True)
        relay_cert, relay_key = pki.client("ccc-relay")
        self.relay = None
        self.relay_args = dict(relay_cert=relay_cert, relay_key=relay_key)
        self.portal = None
        self.agents: list[Agent] = []
        self.expired_system = None  # created first, tried last

    def start(self):
        self.broker.start()
        b = self.broker
        overrides = {
            "pairing": {
                "code_ttl": f"{self.code_ttl_s}s",
                "broker_host": "127.0.0.1",
                "broker_port": b.device_port,
                "broker_ca_file": str(self.pki.ca),
                "ca_key_file": str(self.device_ca.key),
                "ca_cert_file": str(self.device_ca.cert),
            },
            "broker": {
                "crl_file": str(b.crl_path),
                "reload_pid_file": str(b.pid_path),
                "evict": "dynsec",
                "dynsec_host": "127.0.0.1",
                "dynsec_port": b.port,
                "dynsec_ca_file": str(self.pki.ca),
                "dynsec_cert_file": str(self.relay_args["relay_cert"]),
                "dynsec_key_file": str(self.relay_args["relay_key"]),
                "timeout": "5s",
            },
        }
        for section, values in self.relay_overrides.items():
            overrides.setdefault(section, {}).update(values)
        self.relay = Relay(self.relay_dir, self.pki, b.port, http_port=self.http_port,
                           overrides=overrides)
        self.relay.admin("company", "create", self.company)
        optional = (["--admin"] if self.company_admin else []) + \
            (["--name", self.user_name] if self.user_name else [])
        self.relay.admin("user", "create", "--company", self.company, "--email", self.email,
                         "--password", self.password, *optional)
        self.relay.start()
        self.portal = Portal(self.relay.url)
        self.portal.login(self.email, self.password)
        return self

    def agent(self, name: str, serial: str, relay_url: str | None = None,
              cert_cn: str | None = None, **site) -> Agent:
        """An agent folder whose config has no credentials yet: key, certificate and broker
        CA default to its data_dir, the broker address comes from pairing.json. cert_cn:
        the dev-PKI certificate the harness Agent asks for (default the serial; the config
        names none, so an existing CN such as "ccc-relay" skips minting one)."""
        agent = Agent(self.dir / "agents" / name, self.pki, self.broker.device_port, serial,
                      cert_cn=cert_cn, overrides={
                          "mqtt": {"host": None, "port": None, "ca_file": None,
                                   "cert_file": None, "key_file": None},
                          "pairing": {"relay_url": relay_url or self.relay.url,
                                      "timeout": "10s"},
                          "site": site,
                      })
        self.agents.append(agent)
        return agent

    def stop(self):
        for agent in self.agents:
            agent.stop()
        if self.relay is not None:
            self.relay.stop()
        self.broker.stop()


def cli(agent: Agent, *args: str) -> subprocess.CompletedProcess:
    cmd = [str(binary("ccc-agent")), *args, "--config", str(agent.conf_path)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def pair(agent: Agent, code: str) -> subprocess.CompletedProcess:
    return cli(agent, "pair", code)
