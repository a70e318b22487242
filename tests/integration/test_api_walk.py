"""The API walk (issue 3, "What it must show"): every operation of the published OpenAPI
document, called by every persona, answers exactly the status the handler contracts
(relay/api/*_handlers.h, api_context.h, the brief's endpoint list) give for that persona.
A forgotten check in a handler, an endpoint without a walk row, or an answer the document
does not list fails a test here.

Personas (company A unless said otherwise):
  owner          created the systems and the groups (the Site's user)
  administrator  direct authorisation "administrator" on each walked system (granted by owner)
  monitoring     direct authorisation "monitoring"
  backup         direct authorisation "backup"
  call_data      direct authorisation "call_data"
  group_member   member (no own role) of the owner's private group "roles", whose default
                 role is "administrator" and which holds each walked system
  no_role        same company, no path to any system
  company_admin  created with --admin; company administration (audit log), no system rights
  other          a user of company B
  anonymous      no credentials

The expected table is written from the handler headers, not from watching the server.
Destructive calls get a fresh object per persona. Browser personas use the cookie + CSRF
token; a subset of personas repeats the walk with API tokens (Authorization: Bearer). Every
answered status must be listed under the operation in the OpenAPI document, and every error
body must be {"error": {"code", "message"}}.
"""
import http.client
import itertools
import json
import urllib.parse
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Callable

import pytest

from harness.site import Portal, Site

COMPANY = "Walk GmbH"
OTHER_COMPANY = "Walk Other AG"
PASSWORD = "walk-password-1"
DOMAIN = "walk.test"

PERSONAS = ("owner", "administrator", "monitoring", "backup", "call_data", "group_member",
            "no_role", "company_admin", "other", "anonymous")
COMPANY_A = PERSONAS[:8]
# The ones who repeat the walk with an API token ("anonymous" sends a token that is none).
BEARER_PERSONAS = ("owner", "administrator", "monitoring", "group_member", "no_role",
                   "company_admin", "other", "anonymous")
DIRECT_ROLES = ("administrator", "monitoring", "backup", "call_data")
# Effective roles on every walked system; the group member's come from the group's default.
ROLES = {"owner": ["owner"], "administrator": ["administrator"], "monitoring": ["monitoring"],
         "backup": ["backup"], "call_data": ["call_data"], "group_member": ["administrator"]}
SEES_SYSTEMS = tuple(ROLES)

# The error code each status answers when the table names none (api_context.h,
# DecisionResponse; group_handlers.h).
DEFAULT_CODES = {401: "not_authenticated", 403: "forbidden", 404: "not_found"}
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def row(*cells) -> dict:
    """One table row, cells in PERSONAS order; a cell is a status or (status, error code)."""
    assert len(cells) == len(PERSONAS), cells
    return dict(zip(PERSONAS, cells))


# Frequent rows. Columns of every row() below:
#                   own  adm  mon  bak  cdr  grp  none cadm oth  anon
LOGGED_IN_200 = row(200, 200, 200, 200, 200, 200, 200, 200, 200, 401)
LOGGED_IN_201 = row(201, 201, 201, 201, 201, 201, 201, 201, 201, 401)
# A per-system action any role allows (view_system, read_system_information: B3).
ANY_ROLE_200 = row(200, 200, 200, 200, 200, 200, 404, 404, 404, 401)


def admin_row(ok: int) -> dict:
    """A per-system action for owner or administrator (edit_system_name,
    manage_authorisations, add_system_to_group)."""
    return row(ok, ok, 403, 403, 403, ok, 404, 404, 404, 401)


@dataclass
class Call:
    path: str
    body: object = None
    client: Portal | None = None  # instead of the persona's own (fresh sessions)
    check: Callable[[int, object], None] | None = None  # after-effects, given the answer
    stream: bool = False  # a server-sent event stream: see open_stream()


@dataclass
class Case:
    method: str
    path: str  # the template, exactly as in openapi.json
    label: str
    expect: dict
    prepare: Callable[["World", str], Call]
    bearer: bool = True  # also walked with API tokens
    # persona -> the server bug that makes the cell fail (xfail strict: flips once fixed)
    bugs: dict = field(default_factory=dict)

    @property
    def op(self) -> tuple[str, str]:
        return self.method, self.path


class World:
    """The module's relay with its personas and the objects the walk reads."""

    def __init__(self, site: Site):
        self.site = site
        self.url = site.relay.url
        self.counter = itertools.count(1)
        self.users: dict[str, dict] = {}
        self.cookie: dict[str, Portal] = {}
        self.bearer: dict[str, Portal] = {}
        self.openapi: dict = {}

    def source(self, persona: str, bearer: bool = False) -> str:
        # One loopback address per client: the pairing throttle (10 failures per address)
        # and the login throttle see each one alone.
        return f"127.0.{2 if bearer else 1}.{10 + PERSONAS.index(persona)}"

    def n(self) -> int:
        return next(self.counter)

    def uid(self, persona: str) -> int:
        return self.users[persona]["id"]

    @property
    def owner(self) -> Portal:
        return self.cookie["owner"]

    def client(self, persona: str, mode: str) -> Portal:
        return (self.bearer if mode == "bearer" else self.cookie)[persona]

    def login(self, persona: str) -> Portal:
        """A fresh session of the persona (a new cookie), from its address."""
        user = self.users[persona]
        return Portal(self.url).use_source(self.source(persona)).login_with(
            user["email"], user["password"])

    def ok(self, client: Portal, method: str, path: str, body=None, status: int = 200):
        got, answer, _ = client.send(method, path, body)
        assert got == status, (method, path, got, answer)
        return answer

    # --- Objects ---------------------------------------------------------------------

    def make_system(self, tag: str) -> SimpleNamespace:
        """A system of the owner with the walk's access structure: the four direct
        authorisations and membership in the "roles" group."""
        serial = f"WALK-{tag}-{self.n()}"
        system = self.ok(self.owner, "POST", "/api/v1/systems",
                         {"name": f"Walk {tag}", "serial": serial}, 201)
        auths = {}
        for persona in DIRECT_ROLES:
            grant = self.ok(self.owner, "POST", "/api/v1/authorisations",
                            {"user_id": self.uid(persona), "system_id": system["id"],
                             "roles": [persona]}, 201)
            auths[persona] = grant["id"]
        self.ok(self.owner, "PUT", f"/api/v1/groups/{self.g_role}/systems/{system['id']}")
        return SimpleNamespace(id=system["id"], serial=serial, name=f"Walk {tag}", auth=auths)

    def make_group(self, public: bool, members=(), role=None) -> int:
        group = self.ok(self.owner, "POST", "/api/v1/groups",
                        {"name": f"Walk fresh {self.n()}", "public": public}, 201)
        for persona in members:
            self.ok(self.owner, "PUT", f"/api/v1/groups/{group['id']}/members/{self.uid(persona)}",
                    {"role": role})
        return group["id"]

    def group_member_ids(self, group_id: int) -> set[int]:
        items = self.ok(self.owner, "GET", f"/api/v1/groups/{group_id}/members")["items"]
        return {m["user_id"] for m in items}

    def group_system_ids(self, group_id: int) -> set[int]:
        items = self.ok(self.owner, "GET", f"/api/v1/groups/{group_id}/systems")["items"]
        return {s["system_id"] for s in items}

    def token_ids(self, persona: str) -> set[int]:
        items = self.ok(self.cookie[persona], "GET", "/api/v1/api-tokens?limit=1000")["items"]
        return {t["id"] for t in items}

    def new_token(self, persona: str) -> dict:
        return self.ok(self.cookie[persona], "POST", "/api/v1/api-tokens",
                       {"name": f"walk {self.n()}"}, 201)


@pytest.fixture(scope="module")
def world(tmp_path_factory, pki):
    site = Site(tmp_path_factory.mktemp("api-walk"), pki, COMPANY, f"owner@{DOMAIN}", PASSWORD)
    try:
        site.start()
        w = World(site)
        admin = site.relay.admin
        w.users["owner"] = {"email": f"owner@{DOMAIN}", "password": PASSWORD}
        for persona in ("administrator", "monitoring", "backup", "call_data", "group_member",
                        "no_role", "company_admin", "spare"):
            email = f"{persona.replace('_', '-')}@{DOMAIN}"
            extra = ["--admin"] if persona == "company_admin" else []
            admin("user", "create", "--company", COMPANY, "--email", email, "--name",
                  persona, "--password", PASSWORD, *extra)
            w.users[persona] = {"email": email, "password": PASSWORD}
        admin("company", "create", OTHER_COMPANY)
        admin("news", "add", "--title", "Walk news", "--body", "For every company")
        admin("user", "create", "--company", OTHER_COMPANY, "--email", f"other@other.{DOMAIN}",
              "--password", PASSWORD)
        w.users["other"] = {"email": f"other@other.{DOMAIN}", "password": PASSWORD}

        for persona in PERSONAS[:-1]:
            w.cookie[persona] = w.login(persona)
            me = w.ok(w.cookie[persona], "GET", "/api/v1/session")["user"]
            w.users[persona]["id"] = me["id"]
        users = w.ok(w.owner, "GET", "/api/v1/users?limit=1000")["items"]
        w.users["spare"]["id"] = next(u["id"] for u in users
                                      if u["email"] == w.users["spare"]["email"])
        w.cookie["anonymous"] = Portal(w.url).use_source(w.source("anonymous"))

        w.g_role = w.ok(w.owner, "POST", "/api/v1/groups",
                        {"name": "Walk roles", "public": False,
                         "default_role": "administrator"}, 201)["id"]
        w.ok(w.owner, "PUT", f"/api/v1/groups/{w.g_role}/members/{w.uid('group_member')}",
             {"role": None})
        w.g_pub = w.ok(w.owner, "POST", "/api/v1/groups",
                       {"name": "Walk public", "public": True}, 201)["id"]
        # Everyone of company A but the owner is a member without any role.
        w.g_all = w.make_group(True, members=[p for p in COMPANY_A if p != "owner"])
        w.s1 = w.make_system("S1")
        w.s2 = w.make_system("S2")
        # PBX data (issue 5): S3 has active maintenance (call data needs it) and a device
        # report with the PBX's information (licences); S1 and S2 have neither.
        w.s3 = w.make_system("S3")
        admin("system", "maintenance", "--serial", w.s3.serial, "--until", "2099-12-31")
        report_pbx_information(site, w.s3.serial)

        for persona in BEARER_PERSONAS:
            client = Portal(w.url).use_source(w.source(persona, bearer=True))
            token = ("not-a-token" if persona == "anonymous"
                     else w.new_token(persona)["token"])
            w.bearer[persona] = client.use_token(token)

        status, w.openapi, _ = w.owner.send("GET", "/api/v1/openapi.json")
        assert status == 200
        yield w
    finally:
        site.stop()


# --- Preparations (world, persona) -> Call -------------------------------------------------


def fixed(path: str, body=None, check=None):
    return lambda w, p: Call(path(w) if callable(path) else path, body, check=check)


def own_login(w, p):
    if p == "anonymous":
        return Call("/api/v1/session", {"email": f"nobody@{DOMAIN}", "password": "not-it-at-all"})
    return Call("/api/v1/session", {"email": w.users[p]["email"], "password": PASSWORD})


def fresh_session_logout(w, p):
    if p == "anonymous":
        return Call("/api/v1/session")
    fresh = w.login(p)

    def check(status, _):
        if status == 204:
            assert fresh.send("GET", "/api/v1/session")[0] == 401, "the session outlived logout"
    return Call("/api/v1/session", client=fresh, check=check)


def change_password(w, p):
    client = w.cookie[p]

    def check(status, _):
        if status == 204:  # back, for the rest of the walk
            w.ok(client, "POST", "/api/v1/session/password",
                 {"current_password": PASSWORD + "-new", "new_password": PASSWORD}, 204)
    return Call("/api/v1/session/password",
                {"current_password": PASSWORD, "new_password": PASSWORD + "-new"}, check=check)


def check_users_of_own_company(w, p):
    def check(status, body):
        if status != 200:
            return
        emails = {u["email"] for u in body["items"]}
        if p == "other":
            assert emails == {w.users["other"]["email"]}, emails
        else:
            assert w.users["other"]["email"] not in emails
            assert w.users["no_role"]["email"] in emails
    return Call("/api/v1/users?limit=1000", check=check)


def delete_own_token(w, p):
    token = w.new_token("owner" if p == "anonymous" else p)
    holder = "owner" if p == "anonymous" else p

    def check(status, _):
        assert (token["id"] in w.token_ids(holder)) == (status != 204)
    return Call(f"/api/v1/api-tokens/{token['id']}", check=check)


def delete_owners_token(w, p):
    token = w.new_token("owner")

    def check(status, _):
        assert (token["id"] in w.token_ids("owner")) == (status != 204)
    return Call(f"/api/v1/api-tokens/{token['id']}", check=check)


def list_systems(w, p):
    def check(status, body):
        if status == 200:
            ids = {s["id"] for s in body["items"]}
            assert (w.s1.id in ids) == (p in SEES_SYSTEMS), (p, ids)
    return Call("/api/v1/systems?limit=1000", check=check)


def create_system(w, p):
    serial = f"NEW-{PERSONAS.index(p)}-{w.n()}"

    def check(status, body):
        if status == 201:
            assert body["serial"] == serial and body["roles"] == ["owner"], body
            assert body["confirmation_code"]["code"], body
    return Call("/api/v1/systems", {"name": f"New {p}", "serial": serial}, check=check)


def get_system(w, p):
    def check(status, body):
        if status == 200:
            assert body["roles"] == ROLES[p], body["roles"]
            may_edit = p in ("owner", "administrator", "group_member")
            assert (body["confirmation_code"] is not None) == may_edit, body
    return Call(f"/api/v1/systems/{w.s1.id}", check=check)


def delete_system(w, p):
    system = w.make_system("DEL")

    def check(status, _):
        left = w.owner.send("GET", f"/api/v1/systems/{system.id}")[0]
        assert left == (404 if status == 204 else 200), left
    return Call(f"/api/v1/systems/{system.id}", check=check)


def fresh_system_token(w, p):
    system = w.make_system("TOK")
    return Call(f"/api/v1/systems/{system.id}/token")


def cancel_system_token(w, p):
    system = w.make_system("CAN")

    def check(status, _):
        left, body, _ = w.owner.send("GET", f"/api/v1/systems/{system.id}/token")
        if status == 204:
            assert (left, body["error"]["code"]) == (404, "no_code"), body
        else:
            assert left == 200, body
    return Call(f"/api/v1/systems/{system.id}/token", check=check)


def grant(w, p):
    system = w.make_system("GR")
    return Call("/api/v1/authorisations", {"user_id": w.uid("no_role"), "system_id": system.id,
                                           "roles": ["monitoring"]})


def patch_grant(w, p):
    system = w.make_system("PA")
    auth_id = system.auth["monitoring"]

    def check(status, _):
        roles = w.ok(w.owner, "GET", f"/api/v1/authorisations/{auth_id}")["roles"]
        assert roles == (["monitoring", "backup"] if status == 200 else ["monitoring"]), roles
    return Call(f"/api/v1/authorisations/{auth_id}", {"roles": ["monitoring", "backup"]},
                check=check)


def revoke_grant(w, p):
    system = w.make_system("RV")
    auth_id = system.auth["monitoring"]

    def check(status, _):
        left = w.owner.send("GET", f"/api/v1/authorisations/{auth_id}")[0]
        assert left == (404 if status == 204 else 200), left
    return Call(f"/api/v1/authorisations/{auth_id}", check=check)


def list_groups(w, p):
    def check(status, body):
        if status == 200:
            ids = {g["id"] for g in body["items"]}
            assert (w.g_pub in ids) == (p in COMPANY_A), ids
            assert (w.g_role in ids) == (p in ("owner", "group_member")), ids
    return Call("/api/v1/groups?limit=1000", check=check)


def delete_group(public: bool):
    def prepare(w, p):
        group = w.make_group(public, members=[] if public else ["group_member"])

        def check(status, _):
            left = w.owner.send("GET", f"/api/v1/groups/{group}")[0]
            assert left == (404 if status == 204 else 200), left
        return Call(f"/api/v1/groups/{group}", check=check)
    return prepare


def join_fresh(w, p):
    group = w.make_group(True)

    def check(status, _):
        if p != "anonymous" and p != "other":
            assert (w.uid(p) in w.group_member_ids(group)) == (status == 204)
    return Call(f"/api/v1/groups/{group}/join", check=check)


def leave_fresh(w, p):
    member = p in COMPANY_A and p != "owner"
    group = w.make_group(True, members=[p] if member else [])

    def check(status, _):
        if member:
            assert (w.uid(p) in w.group_member_ids(group)) == (status != 204)
    return Call(f"/api/v1/groups/{group}/leave", check=check)


def remove_spare(w, p):
    group = w.make_group(True, members=["spare"])

    def check(status, _):
        assert (w.uid("spare") in w.group_member_ids(group)) == (status != 204)
    return Call(f"/api/v1/groups/{group}/members/{w.uid('spare')}", check=check)


def remove_self(w, p):
    member = p in COMPANY_A
    group = w.make_group(True, members=[p] if member else [])
    user = w.uid("owner" if p == "anonymous" else p)

    def check(status, _):
        if member:
            assert (w.uid(p) in w.group_member_ids(group)) == (status != 204)
    return Call(f"/api/v1/groups/{group}/members/{user}", check=check)


def pull_system(group_attr: str):
    def prepare(w, p):
        system = w.make_system("PU")  # in the "roles" group
        group = getattr(w, group_attr)
        if group != w.g_role:
            w.ok(w.owner, "PUT", f"/api/v1/groups/{group}/systems/{system.id}")

        def check(status, _):
            assert (system.id in w.group_system_ids(group)) == (status != 204)
        return Call(f"/api/v1/groups/{group}/systems/{system.id}", check=check)
    return prepare


def put_system(group_attr: str, system_attr: str):
    def prepare(w, p):
        group, system = getattr(w, group_attr), getattr(w, system_attr)

        def check(status, body):
            if status == 200:
                assert body["system_id"] == system.id and body["serial"] == system.serial, body
        return Call(f"/api/v1/groups/{group}/systems/{system.id}", check=check)
    return prepare


def oidc_status(w, p):
    def check(status, body):
        assert body["enabled"] is False, body
    return Call("/api/v1/auth/oidc", check=check)


def openapi_doc(w, p):
    def check(status, body):
        assert body["openapi"].startswith("3."), body.get("openapi")
    return Call("/api/v1/openapi.json", check=check)


def list_news(w, p):
    def check(status, body):
        if status == 200:
            assert "Walk news" in [n["title"] for n in body["items"]], body
    return Call("/api/v1/news", check=check)


def report_pbx_information(site: Site, serial: str):
    """What ingest writes for an agent's sysinfo with the PBX's information (relay.db
    devices row), written straight into the store: pairing an agent is not what this walks."""
    import sqlite3
    import time
    now = int(time.time() * 1000)
    sysinfo = json.dumps({"serial": serial, "model": "COMtrexx Advanced", "firmware": "2.6.6",
                          "agent_version": "0.1.0", "hostname": "walk",
                          "information": {"hardware_revision": "3", "mac": "00:09:52:00:00:01",
                                          "booted_at_ms": now - 3_600_000,
                                          "licences": [{"name": "Users", "total": 10, "used": 2}],
                                          "modules": []}})
    conn = sqlite3.connect(site.relay.db_path, timeout=30)
    try:
        with conn:
            conn.execute("INSERT INTO devices(id, registered_ms, online, last_seen_ms,"
                         " sysinfo_json, sysinfo_ts_ms) VALUES(?, ?, 1, ?, ?, ?)",
                         (serial, now, now, sysinfo, now))
    finally:
        conn.close()


def pbx_list(path: str):
    def check(status, body):
        if status == 200:
            assert set(body) >= {"items", "total"}, body
    return fixed(path, check=check)


def licences_of_s3(w, p):
    def check(status, body):
        if status == 200:
            assert body["serial"] == w.s3.serial and body["licences"][0]["name"] == "Users", body
            assert body["uptime_s"] >= 3600, body
    return Call(f"/api/v1/systems/{w.s3.id}/licences", check=check)


def information_of_s3(w, p):
    def check(status, body):
        if status == 200:
            assert body["hardware_revision"] == "3" and body["uptime_s"] >= 3600, body
    return Call(f"/api/v1/systems/{w.s3.id}/information", check=check)


def calls_csv(path):
    def prepare(w, p):
        def check(status, body):
            if status == 200:
                assert isinstance(body, str) and body.startswith("\ufeff"), body[:80]
        return Call(path(w), check=check)
    return prepare


def events_stream(w, p):
    def check(status, body):
        if status == 200:
            assert body.startswith("retry: 3000\nevent: ready\n"), body
    return Call("/api/v1/events", stream=True, check=check)


def open_stream(client: Portal, path: str, timeout: float = 10) -> tuple[int, object, dict]:
    """GET of a server-sent event stream with the client's credentials. The stream never
    ends, so only its head and first event are read (then the connection is closed); any
    other answer is read whole and parsed like Portal.send does."""
    url = urllib.parse.urlsplit(client.base)
    source = getattr(client, "source", None)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout,
                                            source_address=(source, 0) if source else None)
    sent = {}
    token = getattr(client, "token", None)
    if token:
        sent["Authorization"] = f"Bearer {token}"
    elif client.cookie:
        sent["Cookie"] = client.cookie
    try:
        connection.request("GET", path, headers=sent)
        response = connection.getresponse()
        received: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            received.setdefault(name.lower(), []).append(value)
        if (response.getheader("Content-Type") or "").startswith("text/event-stream"):
            first = ""
            while not first.endswith("\n\n"):
                line = response.readline().decode()
                if not line:
                    break
                first += line
            response.close()
            return response.status, first, received
        text = response.read()
        status = response.status
    finally:
        connection.close()
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = text.decode(errors="replace")
    return status, parsed, received


# --- The table -------------------------------------------------------------------------------
S = "/api/v1/systems/{id}"
A = "/api/v1/authorisations/{id}"
G = "/api/v1/groups/{id}"
ERR_422_UNKNOWN_CODE = (422, "pairing_code_unknown")
OIDC_OFF = (404, "oidc_disabled")

CASES = [
    # Session (session_handlers.h). Login needs no session: everyone logs in as themself.
    Case("GET", "/api/v1/session", "self", LOGGED_IN_200,
         fixed("/api/v1/session")),
    Case("POST", "/api/v1/session", "own credentials",
         row(200, 200, 200, 200, 200, 200, 200, 200, 200, (401, "invalid_credentials")),
         own_login, bearer=False),
    Case("PATCH", "/api/v1/session", "language", LOGGED_IN_200,
         fixed("/api/v1/session", {"language": "en"}), bearer=False),
    Case("DELETE", "/api/v1/session", "fresh session",
         row(204, 204, 204, 204, 204, 204, 204, 204, 204, 401),
         fresh_session_logout, bearer=False),
    Case("POST", "/api/v1/session/password", "change and back",
         row(204, 204, 204, 204, 204, 204, 204, 204, 204, 401),
         change_password, bearer=False),
    # Status, users, API tokens, audit (status/user/api_token/audit_handlers.h).
    Case("GET", "/api/v1/status", "", LOGGED_IN_200, fixed("/api/v1/status")),
    Case("GET", "/api/v1/users", "own company only", LOGGED_IN_200,
         check_users_of_own_company),
    Case("GET", "/api/v1/api-tokens", "", LOGGED_IN_200, fixed("/api/v1/api-tokens")),
    Case("POST", "/api/v1/api-tokens", "", LOGGED_IN_201,
         fixed("/api/v1/api-tokens", {"name": "walk", "expires_in_days": 1}), bearer=False),
    Case("DELETE", "/api/v1/api-tokens/{id}", "own fresh token",
         row(204, 204, 204, 204, 204, 204, 204, 204, 204, 401), delete_own_token),
    Case("DELETE", "/api/v1/api-tokens/{id}", "the owner's token",
         row(204, 404, 404, 404, 404, 404, 404, 404, 404, 401), delete_owners_token),
    Case("GET", "/api/v1/audit", "company administrators only",
         row(403, 403, 403, 403, 403, 403, 403, 200, 403, 401), fixed("/api/v1/audit")),
    # Systems (system_handlers.h; policy: view/read_system_information any role,
    # edit_system_name owner|administrator, delete_system owner only).
    Case("GET", "/api/v1/systems", "visible systems", LOGGED_IN_200, list_systems),
    Case("POST", "/api/v1/systems", "caller becomes owner", LOGGED_IN_201, create_system),
    Case("GET", S, "S1", ANY_ROLE_200, get_system),
    Case("PATCH", S, "S1 same name", admin_row(200),
         fixed(lambda w: f"/api/v1/systems/{w.s1.id}", {"name": "Walk S1"})),
    Case("DELETE", S, "fresh system",
         row(204, 403, 403, 403, 403, 403, 404, 404, 404, 401), delete_system),
    Case("POST", S + "/unpair", "S1, not paired",
         row((409, "not_paired"), (409, "not_paired"), 403, 403, 403, (409, "not_paired"), 404,
             404, 404, 401),
         fixed(lambda w: f"/api/v1/systems/{w.s1.id}/unpair")),
    Case("GET", S + "/token", "S1", admin_row(200),
         fixed(lambda w: f"/api/v1/systems/{w.s1.id}/token")),
    Case("POST", S + "/token", "renew, fresh system", admin_row(201), fresh_system_token),
    Case("DELETE", S + "/token", "cancel, fresh system", admin_row(204), cancel_system_token),
    Case("GET", S + "/information", "S1", ANY_ROLE_200,
         fixed(lambda w: f"/api/v1/systems/{w.s1.id}/information")),
    # Pairing (pairing_handlers.h): no login; the same answer whoever asks.
    Case("POST", "/api/v1/pairing", "unknown code", {p: ERR_422_UNKNOWN_CODE for p in PERSONAS},
         fixed("/api/v1/pairing", {"serial": "WALK-NOPAIR", "code": "ABCD-EFGH",
                                   "csr": "not a csr"})),
    Case("POST", "/api/v1/pairing/unpair", "unknown serial",
         {p: (404, "not_found") for p in PERSONAS},
         fixed("/api/v1/pairing/unpair", {"serial": "WALK-NOBODY", "certificate": "x",
                                          "timestamp": 1, "signature": "eA=="})),
    Case("POST", "/api/v1/pairing/unpair", "S1 is not paired",
         {p: (409, "not_paired") for p in PERSONAS},
         lambda w, p: Call("/api/v1/pairing/unpair", {"serial": w.s1.serial, "certificate": "x",
                                                      "timestamp": 1, "signature": "eA=="})),
    # Authorisations (authorisation_handlers.h): manage_authorisations = owner|administrator.
    Case("GET", "/api/v1/authorisations", "granted by the caller", LOGGED_IN_200,
         fixed("/api/v1/authorisations")),
    Case("POST", "/api/v1/authorisations", "grant no_role on a fresh system", admin_row(201),
         grant),
    Case("GET", A, "monitoring's grant on S1 (by owner)", admin_row(200),
         fixed(lambda w: f"/api/v1/authorisations/{w.s1.auth['monitoring']}")),
    Case("PATCH", A, "fresh grant", admin_row(200), patch_grant),
    Case("DELETE", A, "fresh grant", admin_row(204), revoke_grant),
    # Groups (group_handlers.h). "roles" is private (owner + group_member), "public" has no
    # members, "everyone" is public with every company-A user but the owner as a member.
    Case("GET", "/api/v1/groups", "visible groups", LOGGED_IN_200, list_groups),
    Case("POST", "/api/v1/groups", "", LOGGED_IN_201,
         lambda w, p: Call("/api/v1/groups", {"name": f"Own {p} {w.n()}", "public": False})),
    Case("GET", G, "private",
         row(200, 404, 404, 404, 404, 200, 404, 404, 404, 401),
         fixed(lambda w: f"/api/v1/groups/{w.g_role}")),
    Case("GET", G, "public",
         row(200, 200, 200, 200, 200, 200, 200, 200, 404, 401),
         fixed(lambda w: f"/api/v1/groups/{w.g_pub}")),
    Case("PATCH", G, "private",
         row(200, 404, 404, 404, 404, 403, 404, 404, 404, 401),
         fixed(lambda w: f"/api/v1/groups/{w.g_role}", {"description": "walked"})),
    Case("PATCH", G, "public",
         row(200, 403, 403, 403, 403, 403, 403, 403, 404, 401),
         fixed(lambda w: f"/api/v1/groups/{w.g_pub}", {"description": "walked"})),
    Case("DELETE", G, "fresh private",
         row(204, 404, 404, 404, 404, 403, 404, 404, 404, 401), delete_group(False)),
    Case("DELETE", G, "fresh public",
         row(204, 403, 403, 403, 403, 403, 403, 403, 404, 401), delete_group(True)),
    Case("POST", G + "/join", "fresh public",
         row(204, 204, 204, 204, 204, 204, 204, 204, 404, 401), join_fresh),
    Case("POST", G + "/join", "private",
         row((403, "group_private"), 404, 404, 404, 404, (409, "already_member"), 404, 404,
             404, 401),
         fixed(lambda w: f"/api/v1/groups/{w.g_role}/join")),
    Case("POST", G + "/leave", "fresh public, as a member",
         row((409, "owner_cannot_leave"), 204, 204, 204, 204, 204, 204, 204, 404, 401),
         leave_fresh),
    Case("POST", G + "/leave", "public, not a member",
         row((409, "owner_cannot_leave"), *[(409, "not_member")] * 7, 404, 401),
         fixed(lambda w: f"/api/v1/groups/{w.g_pub}/leave")),
    Case("GET", G + "/members", "private",
         row(200, 404, 404, 404, 404, 200, 404, 404, 404, 401),
         fixed(lambda w: f"/api/v1/groups/{w.g_role}/members")),
    Case("GET", G + "/members", "public",
         row(200, 200, 200, 200, 200, 200, 200, 200, 404, 401),
         fixed(lambda w: f"/api/v1/groups/{w.g_pub}/members")),
    Case("PUT", G + "/members/{user_id}", "spare into public",
         row(200, 403, 403, 403, 403, 403, 403, 403, 404, 401),
         fixed(lambda w: f"/api/v1/groups/{w.g_pub}/members/{w.uid('spare')}",
               {"role": "monitoring"})),
    Case("PUT", G + "/members/{user_id}", "spare into private",
         row(200, 404, 404, 404, 404, 403, 404, 404, 404, 401),
         fixed(lambda w: f"/api/v1/groups/{w.g_role}/members/{w.uid('spare')}",
               {"role": "monitoring"})),
    Case("PUT", G + "/members/{user_id}", "a user of company B",
         {"owner": 404},
         fixed(lambda w: f"/api/v1/groups/{w.g_pub}/members/{w.uid('other')}", {"role": None})),
    Case("DELETE", G + "/members/{user_id}", "spare from fresh public",
         row(204, 403, 403, 403, 403, 403, 403, 403, 404, 401), remove_spare),
    Case("DELETE", G + "/members/{user_id}", "oneself from fresh public",
         row(204, 204, 204, 204, 204, 204, 204, 204, 404, 401), remove_self),
    Case("GET", G + "/systems", "private",
         row(200, 404, 404, 404, 404, 200, 404, 404, 404, 401),
         fixed(lambda w: f"/api/v1/groups/{w.g_role}/systems")),
    Case("GET", G + "/systems", "public, owner and members only",
         row(200, 403, 403, 403, 403, 403, 403, 403, 404, 401),
         fixed(lambda w: f"/api/v1/groups/{w.g_pub}/systems")),
    Case("PUT", G + "/systems/{system_id}", "S1 into private (again)",
         row(200, 404, 404, 404, 404, 200, 404, 404, 404, 401), put_system("g_role", "s1")),
    # Every company-A user is a member of "everyone"; adding needs add_system_to_group, and
    # a membership without a role is no path to the system (B7/B8).
    Case("PUT", G + "/systems/{system_id}", "S2 into everyone (all members)",
         admin_row(200), put_system("g_all", "s2")),
    # Whoever administers the system may pull it out of any group, seen or not; the others
    # learn nothing about a group they cannot see.
    Case("DELETE", G + "/systems/{system_id}", "fresh system from private",
         row(204, 204, 404, 404, 404, 204, 404, 404, 404, 401), pull_system("g_role")),
    Case("DELETE", G + "/systems/{system_id}", "fresh system from public",
         row(204, 204, 403, 403, 403, 204, 404, 404, 404, 401), pull_system("g_pub")),
    # Single sign-on is not configured in this site (oidc_handlers.h).
    Case("GET", "/api/v1/auth/oidc", "disabled", {p: 200 for p in PERSONAS}, oidc_status),
    Case("GET", "/api/v1/auth/oidc/login", "disabled", {p: OIDC_OFF for p in PERSONAS},
         fixed("/api/v1/auth/oidc/login?return_to=/systems")),
    Case("GET", "/api/v1/auth/oidc/callback", "disabled", {p: OIDC_OFF for p in PERSONAS},
         fixed("/api/v1/auth/oidc/callback?code=abc&state=def")),
    # News (news_handlers.h) and live updates (event_handlers.h): any logged-in user.
    Case("GET", "/api/v1/news", "operator news for everyone", LOGGED_IN_200, list_news),
    Case("GET", "/api/v1/events", "live updates", LOGGED_IN_200, events_stream),
    # PBX data (registration_handlers.h, licences_handlers.h, calls_handlers.h):
    # telephones, accounts and licences for any role (read_registration_status,
    # read_licences); call data for owner, administrator and call_data with active
    # maintenance (call_data action); fleet views leave out what the caller may not see.
    Case("GET", S + "/telephones", "S1", ANY_ROLE_200,
         pbx_list(lambda w: f"/api/v1/systems/{w.s1.id}/telephones")),
    Case("GET", S + "/accounts", "S1", ANY_ROLE_200,
         pbx_list(lambda w: f"/api/v1/systems/{w.s1.id}/accounts")),
    Case("GET", S + "/licences", "S3, reported", ANY_ROLE_200, licences_of_s3),
    Case("GET", S + "/licences", "S1, never reported",
         row(*[(404, "no_data")] * 6, 404, 404, 404, 401),
         fixed(lambda w: f"/api/v1/systems/{w.s1.id}/licences")),
    Case("GET", S + "/information", "S3, with the PBX's information", ANY_ROLE_200,
         information_of_s3),
    Case("GET", S + "/calls", "S3, maintenance active",
         row(200, 200, 403, 403, 200, 200, 404, 404, 404, 401),
         pbx_list(lambda w: f"/api/v1/systems/{w.s3.id}/calls")),
    Case("GET", S + "/calls", "S1, no maintenance",
         row(*[(422, "maintenance_inactive")] * 2, 403, 403,
             *[(422, "maintenance_inactive")] * 2, 404, 404, 404, 401),
         fixed(lambda w: f"/api/v1/systems/{w.s1.id}/calls")),
    Case("GET", S + "/calls.csv", "S3, maintenance active",
         row(200, 200, 403, 403, 200, 200, 404, 404, 404, 401),
         calls_csv(lambda w: f"/api/v1/systems/{w.s3.id}/calls.csv")),
    Case("GET", S + "/calls.csv", "S1, no maintenance",
         row(*[(422, "maintenance_inactive")] * 2, 403, 403,
             *[(422, "maintenance_inactive")] * 2, 404, 404, 404, 401),
         fixed(lambda w: f"/api/v1/systems/{w.s1.id}/calls.csv")),
    Case("GET", "/api/v1/fleet/actions", "", LOGGED_IN_200, fixed("/api/v1/fleet/actions")),
    Case("GET", "/api/v1/fleet/telephones", "", LOGGED_IN_200,
         pbx_list("/api/v1/fleet/telephones")),
    Case("GET", "/api/v1/fleet/accounts", "", LOGGED_IN_200, pbx_list("/api/v1/fleet/accounts")),
    Case("GET", "/api/v1/fleet/calls", "", LOGGED_IN_200, pbx_list("/api/v1/fleet/calls")),
    Case("GET", "/api/v1/fleet/calls.csv", "", LOGGED_IN_200,
         calls_csv(lambda w: "/api/v1/fleet/calls.csv")),
    Case("GET", "/api/v1/openapi.json", "", {p: 200 for p in PERSONAS}, openapi_doc),
]


def _cells():
    for case in CASES:
        for mode in ("cookie", "bearer"):
            if mode == "bearer" and not case.bearer:
                continue
            for persona in case.expect:
                if mode == "bearer" and persona not in BEARER_PERSONAS:
                    continue
                marks = []
                if persona in case.bugs:
                    marks.append(pytest.mark.xfail(strict=True, reason=case.bugs[persona]))
                label = f"-{case.label}" if case.label else ""
                yield pytest.param(case, persona, mode, marks=marks,
                                   id=f"{case.method} {case.path}{label}-{persona}-{mode}")


def expected(cell) -> tuple[int, str | None]:
    status, code = cell if isinstance(cell, tuple) else (cell, DEFAULT_CODES.get(cell))
    return status, code


def assert_error_body(body):
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error.get("code"), str) and error["code"], body
    assert isinstance(error.get("message"), str) and error["message"], body


def documented(openapi: dict, method: str, path: str) -> set[str]:
    return set(openapi["paths"][path][method.lower()]["responses"])


@pytest.mark.parametrize("case,persona,mode", list(_cells()))
def test_walk(world, case, persona, mode):
    call = case.prepare(world, persona)
    client = call.client or world.client(persona, mode)
    if call.stream:
        status, body, _ = open_stream(client, call.path)
    else:
        status, body, _ = client.send(case.method, call.path, call.body)
    want_status, want_code = expected(case.expect[persona])
    assert status == want_status, f"{case.method} {call.path} as {persona}: {status} {body}"
    if status >= 400:
        assert_error_body(body)
        if want_code is not None:
            assert body["error"]["code"] == want_code, body
    assert str(status) in documented(world.openapi, case.method, case.path), (
        f"{status} is not listed under {case.method} {case.path} in openapi.json")
    if call.check is not None:
        call.check(status, body)


def test_the_walk_covers_every_operation_of_the_published_document(world):
    published = {(method.upper(), path) for path, ops in world.openapi["paths"].items()
                 for method in ops if method in HTTP_METHODS}
    walked = {case.op for case in CASES}
    assert published - walked == set(), "operations without a walk row"
    assert walked - published == set(), "walk rows for operations the document lacks"
    for op in published:
        assert any(set(c.expect) == set(PERSONAS) for c in CASES if c.op == op), (
            f"{op} is not walked by every persona")


def test_the_table_only_expects_documented_answers(world):
    # Independent of the server: the table and the document must agree.
    for case in CASES:
        listed = documented(world.openapi, case.method, case.path)
        for persona, cell in case.expect.items():
            assert str(expected(cell)[0]) in listed, (case.op, persona, cell)


def test_a_granter_who_lost_the_right_may_read_and_revoke_but_not_change(world):
    # authorisation_handlers.h: GET, DELETE the granter or a manager; PATCH managers only.
    system = world.make_system("LOST")
    admin = world.cookie["administrator"]
    grant = world.ok(admin, "POST", "/api/v1/authorisations",
                     {"user_id": world.uid("no_role"), "system_id": system.id,
                      "roles": ["backup"]}, 201)
    # The owner takes the administrator role away; monitoring keeps the system in sight.
    world.ok(world.owner, "PATCH", f"/api/v1/authorisations/{system.auth['administrator']}",
             {"roles": ["monitoring"]})
    path = f"/api/v1/authorisations/{grant['id']}"
    assert admin.send("GET", path)[0] == 200
    status, body, _ = admin.send("PATCH", path, {"roles": ["call_data"]})
    assert (status, body["error"]["code"]) == (403, "forbidden"), body
    assert world.ok(world.owner, "GET", path)["roles"] == ["backup"]
    assert admin.send("DELETE", path)[0] == 204
    assert world.owner.send("GET", path)[0] == 404


def test_a_deleted_api_token_no_longer_authenticates(world):
    token = world.new_token("monitoring")
    script = Portal(world.url).use_source(world.source("monitoring", bearer=True))
    script.use_token(token["token"])
    assert script.send("GET", "/api/v1/status")[0] == 200
    world.ok(world.cookie["monitoring"], "DELETE", f"/api/v1/api-tokens/{token['id']}",
             status=204)
    status, body, _ = script.send("GET", "/api/v1/status")
    assert (status, body["error"]["code"]) == (401, "not_authenticated"), body


def test_an_api_token_cannot_create_api_tokens(world):
    token = world.new_token("monitoring")
    script = Portal(world.url).use_source(world.source("monitoring", bearer=True))
    script.use_token(token["token"])
    before = world.ok(world.cookie["monitoring"], "GET", "/api/v1/api-tokens?limit=1000")["total"]
    status, body, _ = script.send("POST", "/api/v1/api-tokens", {"name": "successor"})
    assert (status, body["error"]["code"]) == (403, "session_required"), body
    after = world.ok(world.cookie["monitoring"], "GET", "/api/v1/api-tokens?limit=1000")["total"]
    assert after == before


def test_a_disabled_user_loses_sessions_and_tokens(world):
    # account_commands.h: disabling ends the user's sessions and API tokens (401 from then on).
    email = f"leaver-{world.n()}@{DOMAIN}"
    world.site.relay.admin("user", "create", "--company", COMPANY, "--email", email,
                           "--password", PASSWORD)
    browser = Portal(world.url).use_source("127.0.4.1").login_with(email, PASSWORD)
    token = world.ok(browser, "POST", "/api/v1/api-tokens", {"name": "leaver"}, 201)
    script = Portal(world.url).use_source("127.0.4.1").use_token(token["token"])
    world.site.relay.admin("user", "disable", "--email", email)
    for client in (browser, script):
        status, body, _ = client.send("GET", "/api/v1/status")
        assert (status, body["error"]["code"]) == (401, "not_authenticated"), body
    status, body, _ = Portal(world.url).use_source("127.0.4.1").send(
        "POST", "/api/v1/session", {"email": email, "password": PASSWORD})
    assert (status, body["error"]["code"]) == (401, "invalid_credentials"), body


def test_changes_are_audited_with_actor_and_address(world):
    system = world.make_system("AUD")
    world.ok(world.cookie["administrator"], "PATCH", f"/api/v1/systems/{system.id}",
             {"name": "Audited"})
    entries = world.ok(world.cookie["company_admin"], "GET",
                       "/api/v1/audit?limit=20&q=administrator")["items"]
    mine = [e for e in entries if e["target_id"] == str(system.id)
            and e["actor"] == world.users["administrator"]["email"]]
    assert mine, entries
    assert mine[0]["address"] == world.source("administrator"), mine[0]
    # Company B's administrator-less user cannot read it; its own log never shows company A.
    status, body, _ = world.cookie["other"].send("GET", "/api/v1/audit")
    assert (status, body["error"]["code"]) == (403, "forbidden"), body
