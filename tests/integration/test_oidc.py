"""OpenID Connect single sign-on end to end: a real ccc-relay (with broker) and the test
provider of tests/util/oidc_provider.py (discovery, JWKS, RS256 ID tokens, PKCE), driven
like a browser that follows redirects by hand.

What it shows: a login creates the user in the mapped company and a session that
GET /api/v1/session accepts; a bad signature, a wrong audience, an expired token, a wrong
nonce and a wrong issuer are each refused with their documented sso_error code and leave no
session; a state cannot be used twice; a code obtained under another login's PKCE
challenge is refused by the provider (verifier mismatch), so the login fails."""
import http.client
import json
import sqlite3
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "util"))

from harness.fleet import Fleet  # noqa: E402
from harness.pki import Pki  # noqa: E402
from oidc_provider import OidcProvider  # noqa: E402

CLIENT_ID = "ccc-relay"
CLIENT_SECRET = "integration-secret"
COMPANY = "Acme"
OTHER_COMPANY = "Other Corp"


class Browser:
    """Cookies (name -> (value, path)) and GETs that do not follow redirects."""

    def __init__(self):
        self.cookies: dict[str, tuple[str, str]] = {}

    def get(self, url: str) -> tuple[int, dict, str]:
        parts = urllib.parse.urlsplit(url)
        path = parts.path + ("?" + parts.query if parts.query else "")
        headers = {}
        jar = "; ".join(f"{name}={value}" for name, (value, cookie_path) in self.cookies.items()
                        if parts.path.startswith(cookie_path))
        if jar:
            headers["Cookie"] = jar
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read().decode(errors="replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    self._store(value)
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body
        finally:
            conn.close()

    def _store(self, set_cookie: str):
        pair, *attributes = [p.strip() for p in set_cookie.split(";")]
        name, _, value = pair.partition("=")
        attrs = {a.partition("=")[0].lower(): a.partition("=")[2] for a in attributes}
        if attrs.get("max-age") == "0" or not value:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = (value, attrs.get("path", "/"))


def sso_error(location: str) -> str | None:
    parts = urllib.parse.urlsplit(location)
    if parts.path != "/login":
        return None
    return urllib.parse.parse_qs(parts.query).get("sso_error", [None])[0]


class Setup:
    def __init__(self, fleet: Fleet, relay, provider: OidcProvider):
        self.fleet = fleet
        self.relay = relay
        self.provider = provider

    @property
    def directory_db(self) -> Path:
        return self.relay.data_dir / "directory.db"

    def sql(self, statement: str, params=()) -> list[tuple]:
        conn = sqlite3.connect(self.directory_db, timeout=10)
        try:
            with conn:
                return conn.execute(statement, params).fetchall()
        finally:
            conn.close()

    def start_login(self, browser: Browser, return_to: str = "/systems") -> str:
        """GET .../login and the provider's /authorize; returns the callback URL (not
        followed yet)."""
        status, headers, body = browser.get(
            self.relay.url + "/api/v1/auth/oidc/login?return_to="
            + urllib.parse.quote(return_to, safe=""))
        assert status == 302, body
        authorize = headers["location"]
        assert authorize.startswith(self.provider.issuer + "/authorize?"), authorize
        status, headers, body = browser.get(authorize)
        assert status == 302, f"provider refused the authorization request: {body}"
        callback = headers["location"]
        assert callback.startswith(self.relay.url + "/api/v1/auth/oidc/callback?"), callback
        return callback

    def finish_login(self, browser: Browser, callback: str) -> str:
        """GET the callback; returns where the relay sends the browser next."""
        status, headers, body = browser.get(callback)
        assert status == 302, f"callback answered {status}: {body}"
        return headers["location"]

    def login(self, browser: Browser, return_to: str = "/systems") -> str:
        return self.finish_login(browser, self.start_login(browser, return_to))

    def session(self, browser: Browser) -> tuple[int, dict]:
        status, _, body = browser.get(self.relay.url + "/api/v1/session")
        return status, json.loads(body) if body else {}

    def audit(self, action: str) -> list[dict]:
        rows = self.sql("SELECT actor, details_json FROM audit_log WHERE action = ? "
                        "ORDER BY id", (action,))
        return [{"actor": a, "details": json.loads(d)} for a, d in rows]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    base = tmp_path_factory.mktemp("oidc")
    fleet = Fleet(base / "fleet", Pki(base / "pki"))
    provider = None
    try:
        fleet.start_broker()
        relay = fleet.make_relay()
        provider = OidcProvider(CLIENT_ID, CLIENT_SECRET,
                                relay.url + "/api/v1/auth/oidc/callback").start()
        secret_file = relay.dir / "oidc-client-secret"
        secret_file.write_text(CLIENT_SECRET + "\n")
        relay.settings["oidc"] = {
            "issuer": provider.issuer,
            "client_id": CLIENT_ID,
            "client_secret_file": str(secret_file),
            "redirect_uri": relay.url + "/api/v1/auth/oidc/callback",
            "display_name": "Test provider",
            "company_claim": "org",
            "default_company": COMPANY,
            "allow_create_users": True,
        }
        relay.write_config()
        relay.start()
        s = Setup(fleet, relay, provider)
        # Companies are the operator's (ccc-relay admin); written straight into the
        # directory's documented schema so this test depends on the SSO path only.
        now_ms = int(time.time() * 1000)
        for name in (COMPANY, OTHER_COMPANY):
            s.sql("INSERT INTO companies(name, created_ms) VALUES (?, ?)", (name, now_ms))
        yield s
    finally:
        if provider is not None:
            provider.stop()
        fleet.stop_all()


@pytest.fixture(autouse=True)
def normal_provider(setup):
    setup.provider.mode = "normal"
    setup.provider.user = {"sub": "sub-alice", "email": "alice@example.com",
                           "email_verified": True, "name": "Alice Example"}
    yield


def test_relay_announces_single_sign_on(setup):
    status, _, body = Browser().get(setup.relay.url + "/api/v1/auth/oidc")
    assert status == 200, body
    assert json.loads(body) == {"enabled": True, "name": "Test provider"}


def test_login_creates_the_user_and_a_session(setup):
    browser = Browser()
    assert setup.session(browser)[0] == 401
    assert setup.login(browser, "/systems?sort=name") == "/systems?sort=name"
    assert "ccc_session" in browser.cookies
    assert "ccc_oidc_state" not in browser.cookies  # cleared by the callback
    status, body = setup.session(browser)
    assert status == 200, body
    assert body["user"]["email"] == "alice@example.com"
    assert body["user"]["name"] == "Alice Example"
    assert body["user"]["company"]["name"] == COMPANY
    assert body["csrf_token"]
    rows = setup.sql("SELECT oidc_issuer, oidc_subject, password_hash FROM users "
                     "WHERE email = 'alice@example.com'")
    assert rows == [(setup.provider.issuer, "sub-alice", None)]
    assert any(e["details"].get("method") == "oidc" and e["actor"] == "alice@example.com"
               for e in setup.audit("session.login"))


def test_company_claim_places_a_new_user_in_that_company(setup):
    setup.provider.user = {"sub": "sub-bob", "email": "bob@other.example",
                           "email_verified": True, "name": "Bob", "org": OTHER_COMPANY}
    browser = Browser()
    assert setup.login(browser) == "/systems"
    status, body = setup.session(browser)
    assert status == 200, body
    assert body["user"]["company"]["name"] == OTHER_COMPANY


def test_existing_user_of_another_company_is_refused(setup):
    company = setup.sql("SELECT id FROM companies WHERE name = ?", (OTHER_COMPANY,))[0][0]
    setup.sql("INSERT INTO users(company_id, email, name, created_ms) VALUES (?, ?, ?, ?)",
              (company, "carol@example.com", "Carol", int(time.time() * 1000)))
    setup.provider.user = {"sub": "sub-carol", "email": "carol@example.com",
                           "email_verified": True}  # no org claim: default company Acme
    browser = Browser()
    assert sso_error(setup.login(browser)) == "account_conflict"
    assert "ccc_session" not in browser.cookies


@pytest.mark.parametrize("mode,code", [
    ("bad_signature", "id_token_signature_invalid"),
    ("wrong_audience", "id_token_audience_mismatch"),
    ("expired", "id_token_expired"),
    ("wrong_nonce", "id_token_nonce_mismatch"),
    ("wrong_issuer", "id_token_issuer_mismatch"),
])
def test_bad_id_tokens_are_refused_without_a_session(setup, mode, code):
    setup.provider.mode = mode
    browser = Browser()
    location = setup.login(browser)
    assert sso_error(location) == code, location
    assert "ccc_session" not in browser.cookies
    assert setup.session(browser)[0] == 401
    assert setup.provider.state()["token_requests"][-1] == {"ok": True, "error": None,
                                                            "reason": mode}
    assert any(e["details"] == {"method": "oidc", "reason": code}
               for e in setup.audit("session.login_failed"))


def test_provider_refusal_is_reported(setup):
    setup.provider.mode = "deny"
    browser = Browser()
    assert sso_error(setup.login(browser)) == "provider_error"
    assert "ccc_session" not in browser.cookies


def test_a_state_cannot_be_used_twice(setup):
    browser = Browser()
    callback = setup.start_login(browser)
    state_cookie = browser.cookies["ccc_oidc_state"]
    assert setup.finish_login(browser, callback) == "/systems"
    # Someone who captured both the callback URL and the browser's state cookie.
    replay = Browser()
    replay.cookies["ccc_oidc_state"] = state_cookie
    assert sso_error(setup.finish_login(replay, callback)) == "state_invalid"
    assert "ccc_session" not in replay.cookies


def test_a_callback_in_another_browser_is_refused(setup):
    callback = setup.start_login(Browser())
    victim = Browser()
    assert sso_error(setup.finish_login(victim, callback)) == "state_invalid"
    assert "ccc_session" not in victim.cookies


def test_a_code_issued_for_another_pkce_challenge_is_refused(setup):
    """Code injection: the attacker's code (bound to the attacker's challenge) delivered
    with the victim's own state. The relay sends the victim's verifier, the provider finds
    it does not match the code's challenge, and the login fails."""
    attacker_callback = setup.start_login(Browser())
    attacker_code = urllib.parse.parse_qs(urllib.parse.urlsplit(attacker_callback).query)["code"][0]
    victim = Browser()
    victim_callback = setup.start_login(victim)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(victim_callback).query)
    injected = (setup.relay.url + "/api/v1/auth/oidc/callback?"
                + urllib.parse.urlencode({"code": attacker_code, "state": query["state"][0]}))
    assert sso_error(setup.finish_login(victim, injected)) == "token_exchange_failed"
    assert "ccc_session" not in victim.cookies
    last = setup.provider.state()["token_requests"][-1]
    assert last == {"ok": False, "error": "invalid_grant", "reason": "PKCE verifier mismatch"}


def test_return_to_outside_the_site_becomes_the_start_page(setup):
    browser = Browser()
    assert setup.login(browser, "//evil.example/steal") == "/"
    assert setup.session(browser)[0] == 200
