"""Bad input against the real relay (issue 3, "What it must show"): malformed JSON, wrong
types, missing and unknown fields, 1 MB strings and bodies, invalid serials, SQL
metacharacters, path tricks, wrong Content-Type and changes without the CSRF token. Each
refusal must carry the documented status and error code (relay/api/json_input.h,
api_context.h, list_query.h, the handler headers), be listed in openapi.json, and store
nothing: every table of directory.db (but the last-use times of sessions and tokens) and
the API's totals are the same before and after. Names with SQL metacharacters are accepted
and come back byte for byte.
"""
import itertools
import json
import socket
import sqlite3
from dataclasses import dataclass, field
from typing import Callable

import pytest

from harness.site import Portal, Site

COMPANY = "Bad Input GmbH"
EMAIL = "owner@bad-input.test"
ADMIN_EMAIL = "admin@bad-input.test"
PEER_EMAIL = "peer@bad-input.test"
PASSWORD = "bad-input-password-1"
ONE_MB = 1_000_000  # a string this long still fits the 1 MiB body limit
BODY_LIMIT = 1024 * 1024  # relay/http/http_server.h

_counter = itertools.count(1)


def n() -> int:
    return next(_counter)


class World:
    def __init__(self, site: Site):
        self.site = site
        self.url = site.relay.url
        self.db_path = site.relay.data_dir / "directory.db"

    def ok(self, client: Portal, method: str, path: str, body=None, status: int = 200):
        got, answer, _ = client.send(method, path, body)
        assert got == status, (method, path, got, answer)
        return answer

    def snapshot(self) -> dict:
        """Every row of every table of the directory, but the last-use times that reading
        requests refresh; plus the totals the API reports."""
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
        try:
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            state = {}
            for table in tables:
                columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')
                           if r[1] != "last_used_ms"]
                cols = ", ".join(f'"{c}"' for c in columns)
                state[table] = sorted(map(repr, conn.execute(f'SELECT {cols} FROM "{table}"')))
        finally:
            conn.close()
        for name, path, client in (("api.systems", "/api/v1/systems", self.owner),
                                   ("api.groups", "/api/v1/groups", self.owner),
                                   ("api.authorisations", "/api/v1/authorisations", self.owner),
                                   ("api.api_tokens", "/api/v1/api-tokens", self.owner),
                                   ("api.audit", "/api/v1/audit", self.admin)):
            state[name] = self.ok(client, "GET", path + "?limit=1")["total"]
        return state


@pytest.fixture(scope="module")
def world(tmp_path_factory, pki):
    site = Site(tmp_path_factory.mktemp("bad-input"), pki, COMPANY, EMAIL, PASSWORD)
    try:
        site.start()
        w = World(site)
        site.relay.admin("user", "create", "--company", COMPANY, "--email", ADMIN_EMAIL,
                         "--password", PASSWORD, "--admin")
        site.relay.admin("user", "create", "--company", COMPANY, "--email", PEER_EMAIL,
                         "--password", PASSWORD)
        w.owner = Portal(w.url).use_source("127.0.3.1").login_with(EMAIL, PASSWORD)
        w.admin = Portal(w.url).use_source("127.0.3.2").login_with(ADMIN_EMAIL, PASSWORD)
        w.anonymous = Portal(w.url).use_source("127.0.3.3")
        users = w.ok(w.owner, "GET", "/api/v1/users")["items"]
        w.peer_id = next(u["id"] for u in users if u["email"] == PEER_EMAIL)
        # System id 1 exists, so that an id parsed by prefix ("1abc") would hit something.
        w.system = w.ok(w.owner, "POST", "/api/v1/systems",
                        {"name": "Bad input 1", "serial": "BAD-SYS-1"}, 201)
        assert w.system["id"] == 1, w.system
        w.free_system = w.ok(w.owner, "POST", "/api/v1/systems",
                             {"name": "Bad input 2", "serial": "BAD-SYS-2"}, 201)
        w.grant = w.ok(w.owner, "POST", "/api/v1/authorisations",
                       {"user_id": w.peer_id, "system_id": w.system["id"],
                        "roles": ["monitoring"]}, 201)
        w.group = w.ok(w.owner, "POST", "/api/v1/groups",
                       {"name": "Bad input group", "public": True}, 201)
        w.token = w.ok(w.owner, "POST", "/api/v1/api-tokens", {"name": "bad input"}, 201)
        status, w.openapi, _ = w.owner.send("GET", "/api/v1/openapi.json")
        assert status == 200
        yield w
    finally:
        site.stop()


def documented(openapi: dict, method: str, template: str) -> set[str]:
    return set(openapi["paths"][template][method.lower()]["responses"])


def assert_refused(world: World, reply, status: int, code: str, op: tuple[str, str] | None):
    got, body, _ = reply
    assert got == status, body
    assert isinstance(body, dict) and set(body) == {"error"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"], body
    if op is not None:
        assert str(status) in documented(world.openapi, *op), (
            f"{status} is not listed under {op} in openapi.json")


def refused_and_nothing_stored(world: World, send: Callable[[], tuple], status: int, code: str,
                               op: tuple[str, str] | None):
    before = world.snapshot()
    reply = send()
    assert_refused(world, reply, status, code, op)
    after = world.snapshot()
    changed = {k for k in before if before[k] != after.get(k)}
    assert not changed, f"a refused request changed {sorted(changed)}"


def test_the_snapshot_sees_a_change(world):
    # The "nothing stored" checks can fail: one accepted change shows in the snapshot.
    before = world.snapshot()
    world.ok(world.owner, "PATCH", f"/api/v1/groups/{world.group['id']}",
             {"description": f"changed {n()}"})
    after = world.snapshot()
    # operator_settings holds the list generation that group changes bump (schema v4).
    assert {k for k in before if before[k] != after[k]} == {"groups", "audit_log", "api.audit",
                                                            "operator_settings"}


# --- Endpoints with bodies -------------------------------------------------------------------


@dataclass
class Endpoint:
    method: str
    template: str
    path: Callable[[World], str]
    valid: Callable[[World], dict]  # would succeed (and store) if sent as is
    required: tuple = ()
    # field -> values of the wrong type or out of range (each 400 invalid_field)
    wrong: dict = field(default_factory=dict)
    strings: tuple = ()  # string fields (1 MB test)
    login: bool = True

    @property
    def op(self):
        return self.method, self.template

    def client(self, world: World) -> Portal:
        return world.owner if self.login else world.anonymous

    def send(self, world: World, body=None, raw: bytes | None = None, **options):
        return self.client(world).send(self.method, self.path(world), body, raw=raw, **options)


NOT_STRINGS = [123, 1.5, True, [], {}, ["x"]]
NOT_INTS = ["1", 1.5, True, [], {}, 99999999999999999999]
ROLE_ARRAYS = [[], ["owner"], ["monitoring", "monitoring"], "monitoring", [1], ["Monitoring"],
               None]

ENDPOINTS = [
    Endpoint("POST", "/api/v1/session", lambda w: "/api/v1/session",
             lambda w: {"email": EMAIL, "password": PASSWORD},
             required=("email", "password"),
             wrong={"email": NOT_STRINGS, "password": NOT_STRINGS},
             strings=("email", "password"), login=False),
    Endpoint("PATCH", "/api/v1/session", lambda w: "/api/v1/session",
             lambda w: {"language": "de"}, required=("language",),
             wrong={"language": ["fr", "EN", "", 1, ["en"], "e" * ONE_MB]}),
    Endpoint("POST", "/api/v1/session/password", lambda w: "/api/v1/session/password",
             lambda w: {"current_password": PASSWORD, "new_password": "another-password-1"},
             required=("current_password", "new_password"),
             wrong={"current_password": NOT_STRINGS,
                    "new_password": NOT_STRINGS + ["short"]},
             strings=("current_password", "new_password")),
    Endpoint("POST", "/api/v1/api-tokens", lambda w: "/api/v1/api-tokens",
             lambda w: {"name": f"token {n()}", "expires_in_days": 5}, required=("name",),
             wrong={"name": NOT_STRINGS + ["", "a\nb", "a\u0000b"],
                    "expires_in_days": NOT_INTS + [0, -1, 3651]},
             strings=("name",)),
    Endpoint("POST", "/api/v1/systems", lambda w: "/api/v1/systems",
             lambda w: {"name": "New system", "serial": f"BAD-NEW-{n()}"},
             required=("name", "serial"),
             wrong={"name": NOT_STRINGS + ["", "a\nb", "tab\there", "nul\u0000"],
                    "serial": NOT_STRINGS},
             strings=("name", "serial")),
    Endpoint("PATCH", "/api/v1/systems/{id}", lambda w: f"/api/v1/systems/{w.system['id']}",
             lambda w: {"name": "Renamed"}, required=("name",),
             wrong={"name": NOT_STRINGS + ["", "a\nb", "esc\u001b[31m"]}, strings=("name",)),
    Endpoint("POST", "/api/v1/pairing", lambda w: "/api/v1/pairing",
             lambda w: {"serial": "BAD-SYS-2", "code": "ABCD-EFGH", "csr": "x"},
             required=("serial", "code", "csr"),
             wrong={"serial": NOT_STRINGS, "code": NOT_STRINGS, "csr": NOT_STRINGS},
             strings=("serial", "code", "csr"), login=False),
    Endpoint("POST", "/api/v1/pairing/unpair", lambda w: "/api/v1/pairing/unpair",
             lambda w: {"serial": "BAD-SYS-1", "certificate": "x", "timestamp": 1,
                        "signature": "eA=="},
             required=("serial", "certificate", "timestamp", "signature"),
             wrong={"serial": NOT_STRINGS, "certificate": NOT_STRINGS,
                    "timestamp": NOT_INTS + [-1], "signature": NOT_STRINGS},
             strings=("serial", "certificate", "signature"), login=False),
    Endpoint("POST", "/api/v1/authorisations", lambda w: "/api/v1/authorisations",
             lambda w: {"user_id": w.peer_id, "system_id": w.free_system["id"],
                        "roles": ["monitoring"]},
             required=("user_id", "system_id", "roles"),
             wrong={"user_id": NOT_INTS + [0, -1], "system_id": NOT_INTS + [0, -1],
                    "roles": ROLE_ARRAYS[:-1]}),
    Endpoint("PATCH", "/api/v1/authorisations/{id}",
             lambda w: f"/api/v1/authorisations/{w.grant['id']}",
             lambda w: {"roles": ["backup"]}, required=("roles",),
             wrong={"roles": ROLE_ARRAYS[:-1]}),
    Endpoint("POST", "/api/v1/groups", lambda w: "/api/v1/groups",
             lambda w: {"name": f"Group {n()}", "description": "d", "default_role": None,
                        "public": False},
             required=("name",),
             wrong={"name": NOT_STRINGS + ["", "a\nb"], "description": NOT_STRINGS,
                    "default_role": ["owner", "Administrator", 1, [], ""],
                    "public": ["true", 1, 0, [], {}]},
             strings=("name", "description")),
    Endpoint("PATCH", "/api/v1/groups/{id}", lambda w: f"/api/v1/groups/{w.group['id']}",
             lambda w: {"name": "Renamed group", "description": "x", "default_role": "backup",
                        "public": False},
             wrong={"name": NOT_STRINGS + ["", "a\nb"], "description": NOT_STRINGS,
                    "default_role": ["owner", "Administrator", 1, [], ""],
                    "public": ["true", 1, 0, [], {}]},
             strings=("name", "description")),
    Endpoint("PUT", "/api/v1/groups/{id}/members/{user_id}",
             lambda w: f"/api/v1/groups/{w.group['id']}/members/{w.peer_id}",
             lambda w: {"role": "monitoring"}, required=("role",),
             wrong={"role": ["owner", "Monitoring", 1, [], {}, "", "m" * ONE_MB]}),
]


ENDPOINT_IDS = [f"{e.method} {e.template}" for e in ENDPOINTS]


MALFORMED = [
    b'{"name": ',                 # truncated
    b"{'name': 'x'}",             # single quotes
    b'{"name": "x"} trailing',    # garbage after the value
    b'{"name": NaN}',
    b'{"name": "\xff\xfe"}',      # not UTF-8
    b"\x00\x01\x02",
    b"[" * 40 + b"]" * 40,        # nesting deeper than 32 (inside an array: still too deep)
    b'{"a":' * 40 + b"1" + b"}" * 40,
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ENDPOINT_IDS)
@pytest.mark.parametrize("raw", MALFORMED, ids=[f"malformed{i}" for i in range(len(MALFORMED))])
def test_malformed_json_is_400_malformed_json(world, endpoint, raw):
    refused_and_nothing_stored(world, lambda: endpoint.send(world, raw=raw), 400,
                               "malformed_json", endpoint.op)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ENDPOINT_IDS)
@pytest.mark.parametrize("raw", [b"[]", b'"text"', b"42", b"null", b"true"],
                         ids=["array", "string", "number", "null", "bool"])
def test_a_body_that_is_not_an_object_is_400_invalid_body(world, endpoint, raw):
    refused_and_nothing_stored(world, lambda: endpoint.send(world, raw=raw), 400,
                               "invalid_body", endpoint.op)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ENDPOINT_IDS)
def test_an_unknown_field_is_400_unknown_field(world, endpoint):
    for extra in ({"extra": 1}, {"Name": "x"}, {"": None}, {"name ": "x"}):
        body = {**endpoint.valid(world), **extra}
        if set(extra) & set(endpoint.valid(world)):
            continue
        refused_and_nothing_stored(world, lambda: endpoint.send(world, body), 400,
                                   "unknown_field", endpoint.op)


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.required],
                         ids=[i for e, i in zip(ENDPOINTS, ENDPOINT_IDS) if e.required])
def test_a_field_given_twice_is_400_duplicate_field(world, endpoint):
    # Parsers disagree on which of two equal names wins; the relay takes neither.
    body = endpoint.valid(world)
    name = endpoint.required[0]
    raw = json.dumps(body)[:-1] + ", " + json.dumps(name) + ": " + json.dumps(body[name]) + "}"
    refused_and_nothing_stored(world, lambda: endpoint.send(world, raw=raw.encode()), 400,
                               "duplicate_field", endpoint.op)


@pytest.mark.parametrize(
    "endpoint,field_name",
    [pytest.param(e, f, id=f"{e.method} {e.template}-{f}") for e in ENDPOINTS
     for f in e.required])
def test_a_missing_required_field_is_400_missing_field(world, endpoint, field_name):
    body = endpoint.valid(world)
    del body[field_name]
    refused_and_nothing_stored(world, lambda: endpoint.send(world, body), 400, "missing_field",
                               endpoint.op)
    if field_name != "role":  # PUT members: null is "no own role"
        body = {**endpoint.valid(world), field_name: None}
        refused_and_nothing_stored(world, lambda: endpoint.send(world, body), 400,
                                   "missing_field", endpoint.op)


@pytest.mark.parametrize(
    "endpoint,field_name",
    [pytest.param(e, f, id=f"{e.method} {e.template}-{f}") for e in ENDPOINTS for f in e.wrong])
def test_a_field_of_the_wrong_type_or_range_is_400_invalid_field(world, endpoint, field_name):
    for value in endpoint.wrong[field_name]:
        body = {**endpoint.valid(world), field_name: value}
        refused_and_nothing_stored(world, lambda: endpoint.send(world, body), 400,
                                   "invalid_field", endpoint.op)


@pytest.mark.parametrize(
    "endpoint,field_name",
    [pytest.param(e, f, id=f"{e.method} {e.template}-{f}") for e in ENDPOINTS
     for f in e.strings])
def test_a_one_megabyte_string_is_400_field_too_long(world, endpoint, field_name):
    body = {**endpoint.valid(world), field_name: "A" * ONE_MB}
    assert len(json.dumps(body)) < BODY_LIMIT
    refused_and_nothing_stored(world, lambda: endpoint.send(world, body), 400, "field_too_long",
                               endpoint.op)


def send_oversized(world: World, endpoint: Endpoint, declared: int, sent: int):
    """A request whose Content-Length is `declared`, of which `sent` body bytes go out before
    the answer is read (the server may answer 413 before the body is complete)."""
    client = endpoint.client(world)
    head = [f"{endpoint.method} {endpoint.path(world)} HTTP/1.1", "Host: 127.0.0.1",
            "Content-Type: application/json", f"Content-Length: {declared}",
            "Connection: close"]
    if client.cookie:
        head += [f"Cookie: {client.cookie}", f"X-CSRF-Token: {client.csrf}"]
    payload = ("\r\n".join(head) + "\r\n\r\n").encode()
    body = b'{"name": "' + b"A" * max(0, sent - 12) + b'"}'
    host, port = world.url.rsplit("//", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(payload)
        try:
            s.sendall(body[:sent])
        except OSError:
            pass  # answered and closed early: fine
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    raw = b"".join(chunks)
    head_text, _, rest = raw.partition(b"\r\n\r\n")
    status = int(head_text.split(b" ", 2)[1])
    return status, json.loads(rest) if rest else None, {}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ENDPOINT_IDS)
def test_a_body_over_one_mebibyte_is_413_too_large(world, endpoint):
    size = BODY_LIMIT + 1024
    refused_and_nothing_stored(world, lambda: send_oversized(world, endpoint, size, size), 413,
                               "too_large", endpoint.op)
    # Announced only: the server refuses before reading it.
    refused_and_nothing_stored(world, lambda: send_oversized(world, endpoint, 50 * BODY_LIMIT, 0),
                               413, "too_large", endpoint.op)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ENDPOINT_IDS)
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", None],
                         ids=["text", "form", "multipart", "none"])
def test_a_body_that_is_not_declared_json_is_415(world, endpoint, content_type):
    raw = json.dumps(endpoint.valid(world)).encode()
    refused_and_nothing_stored(
        world, lambda: endpoint.send(world, raw=raw, content_type=content_type), 415,
        "unsupported_media_type", endpoint.op)


# --- Serials --------------------------------------------------------------------------------

BAD_SERIALS = {
    "dots": ("PBX.000001", "invalid_field"),
    "slash": ("PBX/000001", "invalid_field"),
    "spaces": ("PBX 000001", "invalid_field"),
    "leading space": (" PBX000001", "invalid_field"),
    "too short": ("PBX01", "invalid_field"),
    "empty": ("", "invalid_field"),
    "33 chars": ("A" * 33, "field_too_long"),
    "200 chars": ("S" * 200, "field_too_long"),
    "unicode": ("PBX-ÄÖÜ-01", "invalid_field"),
    "fullwidth digits": ("PBX-１２３４５", "invalid_field"),
    "sql": ("x'; DROP TABLE systems;--", "invalid_field"),
    "sql quote": ("PBX' OR '1'='1", "invalid_field"),
    "path": ("../../etc/passwd", "invalid_field"),
    "wildcards": ("PBX-%-____", "invalid_field"),
    "mqtt wildcard": ("PBX+#00001", "invalid_field"),
    "newline": ("PBX\n000001", "invalid_field"),
    "nul": ("PBX\u0000000001", "invalid_field"),
}


@pytest.mark.parametrize("serial,code", list(BAD_SERIALS.values()), ids=list(BAD_SERIALS))
def test_an_invalid_serial_is_refused_when_creating_a_system(world, serial, code):
    refused_and_nothing_stored(
        world, lambda: world.owner.send("POST", "/api/v1/systems",
                                        {"name": "Bad serial", "serial": serial}),
        400, code, ("POST", "/api/v1/systems"))


@pytest.mark.parametrize("serial,code", list(BAD_SERIALS.values()), ids=list(BAD_SERIALS))
def test_an_invalid_serial_is_refused_when_pairing(world, serial, code):
    refused_and_nothing_stored(
        world, lambda: world.anonymous.send("POST", "/api/v1/pairing",
                                            {"serial": serial, "code": "ABCD-EFGH", "csr": "x"}),
        400, code, ("POST", "/api/v1/pairing"))


def test_a_taken_serial_is_409_conflict(world):
    refused_and_nothing_stored(
        world, lambda: world.owner.send("POST", "/api/v1/systems",
                                        {"name": "Twin", "serial": "BAD-SYS-1"}),
        409, "conflict", ("POST", "/api/v1/systems"))


def test_serial_boundaries_are_accepted(world):
    for serial in ("A" * 6, "z" * 32, "Ab_-09"):
        body = world.ok(world.owner, "POST", "/api/v1/systems",
                        {"name": "Edge", "serial": serial}, 201)
        assert body["serial"] == serial


# --- SQL metacharacters and other awkward text are data ------------------------------------

AWKWARD = [
    "Robert'); DROP TABLE systems;--",
    "x\" OR 1=1 --",
    "100% _done_ \\ back\\slash",
    "'; DELETE FROM api_tokens; --",
    "<script>alert(1)</script>",
    "Grüße 🚀 日本",
    "%",
    "_",
]


def _find(world: World, list_path: str, q: str) -> dict:
    from urllib.parse import quote
    return world.ok(world.owner, "GET", f"{list_path}?limit=1000&q={quote(q, safe='')}")


@pytest.mark.parametrize("text", AWKWARD, ids=range(len(AWKWARD)))
def test_awkward_names_are_stored_verbatim_and_returned_exactly(world, text):
    system = world.ok(world.owner, "POST", "/api/v1/systems",
                      {"name": text, "serial": f"BAD-AWK-{n()}"}, 201)
    assert system["name"] == text
    assert world.ok(world.owner, "GET", f"/api/v1/systems/{system['id']}")["name"] == text
    renamed = world.ok(world.owner, "PATCH", f"/api/v1/systems/{system['id']}",
                       {"name": text + "!"})
    assert renamed["name"] == text + "!"

    group = world.ok(world.owner, "POST", "/api/v1/groups",
                     {"name": f"{text} {n()}", "description": f"{text}\nsecond line"}, 201)
    shown = world.ok(world.owner, "GET", f"/api/v1/groups/{group['id']}")
    assert shown["description"] == f"{text}\nsecond line"
    assert shown["name"] == group["name"] and group["name"].startswith(text)

    token = world.ok(world.owner, "POST", "/api/v1/api-tokens", {"name": text}, 201)
    assert token["name"] == text
    names = [t["name"] for t in world.ok(world.owner, "GET", "/api/v1/api-tokens?limit=1000")
             ["items"]]
    assert text in names
    # The tables are all still there.
    assert world.ok(world.owner, "GET", "/api/v1/systems?limit=1")["total"] >= 2


def test_a_filter_with_sql_metacharacters_matches_them_literally(world):
    marker = f"lit{n()}"
    names = [f"{marker} 50% off", f"{marker} 50x off", f"{marker} a_b", f"{marker} axb",
             f"{marker} it's", f"{marker} back\\slash"]
    for name in names:
        world.ok(world.owner, "POST", "/api/v1/systems", {"name": name, "serial": f"LIT-{n()}"},
                 201)
    for q, expected in ((f"{marker} 50%", [names[0]]), (f"{marker} a_b", [names[2]]),
                        (f"{marker} it's", [names[4]]), (f"{marker} back\\", [names[5]]),
                        ("' OR '1'='1", [])):
        found = _find(world, "/api/v1/systems", q)
        assert sorted(s["name"] for s in found["items"]) == expected, q
        assert found["total"] == len(expected), q


# --- Path tricks --------------------------------------------------------------------------

BAD_IDS = ["0", "-1", "1e3", "99999999999999999999", "abc", "1abc", "1.0", "%201", "1%00",
           "+1", "0x1", "%2e%2e", "..", "1;DROP%20TABLE%20systems"]


@pytest.mark.parametrize("bad_id", BAD_IDS)
@pytest.mark.parametrize("method,template,body", [
    ("GET", "/api/v1/systems/{id}", None),
    ("PATCH", "/api/v1/systems/{id}", {"name": "Renamed by path trick"}),
    ("DELETE", "/api/v1/systems/{id}", None),
    ("GET", "/api/v1/systems/{id}/information", None),
    ("GET", "/api/v1/systems/{id}/telephones", None),
    ("GET", "/api/v1/systems/{id}/accounts", None),
    ("GET", "/api/v1/systems/{id}/licences", None),
    ("GET", "/api/v1/systems/{id}/calls", None),
    ("GET", "/api/v1/systems/{id}/calls.csv", None),
    ("POST", "/api/v1/systems/{id}/token", None),
    ("DELETE", "/api/v1/systems/{id}/token", None),
    ("GET", "/api/v1/authorisations/{id}", None),
    ("PATCH", "/api/v1/authorisations/{id}", {"roles": ["backup"]}),
    ("DELETE", "/api/v1/authorisations/{id}", None),
    ("GET", "/api/v1/groups/{id}", None),
    ("DELETE", "/api/v1/groups/{id}", None),
    ("DELETE", "/api/v1/api-tokens/{id}", None),
], ids=lambda v: v if isinstance(v, str) else "")
def test_an_id_that_is_not_a_positive_integer_is_404(world, method, template, body, bad_id):
    path = template.replace("{id}", bad_id)
    refused_and_nothing_stored(world, lambda: world.owner.send(method, path, body), 404,
                               "not_found", (method, template))


@pytest.mark.parametrize("method,path", [
    ("PUT", "/api/v1/groups/{g}/members/{bad}"),
    ("DELETE", "/api/v1/groups/{g}/members/{bad}"),
    ("PUT", "/api/v1/groups/{g}/systems/{bad}"),
    ("DELETE", "/api/v1/groups/{g}/systems/{bad}"),
])
@pytest.mark.parametrize("bad_id", ["0", "-1", "1e3", "99999999999999999999", "abc", "1abc"])
def test_a_bad_second_id_is_404(world, method, path, bad_id):
    concrete = path.format(g=world.group["id"], bad=bad_id)
    body = {"role": None} if "members" in path and method == "PUT" else None
    template = path.replace("{g}", "{id}").replace(
        "{bad}", "{user_id}" if "members" in path else "{system_id}")
    refused_and_nothing_stored(world, lambda: world.owner.send(method, concrete, body), 404,
                               "not_found", (method, template))


@pytest.mark.parametrize("method,path", [
    ("GET", "/api/v1/systems/../users"),
    ("GET", "/api/v1/systems/%2e%2e/users"),
    ("GET", "/api/v1/systems/%2e%2e"),
    ("GET", "/api/v1/systems/..%2fusers"),
    ("GET", "/api/v1/systems/1/../../audit"),
    ("GET", "/api/v1/groups/1/members/../../../users"),
    ("DELETE", "/api/v1/systems/1/.."),
    ("DELETE", "/api/v1/systems/1/%2e%2e"),
    ("PATCH", "/api/v1/systems/1/../1"),
    ("GET", "/api/v1/users/../systems"),
    ("GET", "/api/v1/%2e%2e/v1/users"),
    ("GET", "/api/v1/nonexistent"),
])
def test_path_tricks_find_nothing(world, method, path):
    body = {"name": "by path trick"} if method == "PATCH" else None
    refused_and_nothing_stored(world, lambda: world.owner.send(method, path, body), 404,
                               "not_found", None)


def test_a_known_path_with_another_method_is_405_with_allow(world):
    before = world.snapshot()
    status, body, headers = world.owner.send("PUT", "/api/v1/systems", {"name": "x"})
    assert status == 405, body
    assert body["error"]["code"] == "method_not_allowed", body
    allow = {m.strip() for m in headers["allow"][0].split(",")}
    assert {"GET", "POST"} <= allow, allow
    assert world.snapshot() == before


LIST_PARAMS = ["limit=-1", "limit=0", "limit=1001", "limit=abc", "limit=1e3", "offset=-1",
               "offset=x", "sort=name;DROP%20TABLE%20systems", "sort=password_hash",
               "order=sideways", "order=asc;--", "q=" + "x" * 201, "q=a%00b", "q=a%0Ab",
               "unknown=1", "limit=99999999999999999999"]


@pytest.mark.parametrize("query", LIST_PARAMS)
@pytest.mark.parametrize("path", ["/api/v1/systems", "/api/v1/users", "/api/v1/groups",
                                  "/api/v1/authorisations", "/api/v1/api-tokens",
                                  "/api/v1/news"])
def test_bad_list_parameters_are_400_invalid_parameter(world, path, query):
    refused_and_nothing_stored(world, lambda: world.owner.send("GET", f"{path}?{query}"), 400,
                               "invalid_parameter", ("GET", path))


# PBX data lists (issue 5): the list conventions, plus their own filters. System 1 has no
# maintenance, so a call data request that got past its parameters would answer 422.
PBX_LISTS = ["/api/v1/systems/{id}/telephones", "/api/v1/systems/{id}/accounts",
             "/api/v1/fleet/telephones", "/api/v1/fleet/accounts"]
CALL_LISTS = ["/api/v1/systems/{id}/calls", "/api/v1/fleet/calls"]
CALL_EXPORTS = ["/api/v1/systems/{id}/calls.csv", "/api/v1/fleet/calls.csv"]
CALL_PARAMS = ["from=yesterday", "from=2026-11-01", "to=2026-13-01T00:00:00Z",
               "from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", "from=",
               "result=maybe", "result=SUCCESSFUL", "direction=sideways", "call_type=a%0Ab",
               "sort=name", "order=sideways", "q=" + "x" * 201, "q=a%00b", "unknown=1",
               "status=online", "result=successful&result=unsuccessful"]


def _pbx_cases():
    for template in PBX_LISTS:
        fleet = "fleet" in template
        for query in LIST_PARAMS + ["status=online", "status=", "status=REGISTERED_ENCRYPTED",
                                    "sort=system" if not fleet else "system_id=0",
                                    "system_id=x" if fleet else "system_id=1"]:
            yield template, query
        if "telephones" in template:
            yield template, "kind=fax"
        else:
            yield template, "kind=dect"
    for template in CALL_LISTS:
        for query in CALL_PARAMS + ["limit=501", "limit=0", "offset=-1"]:
            yield template, query
    for template in CALL_EXPORTS:
        for query in CALL_PARAMS + ["limit=10", "offset=0", "sort=duration"]:
            yield template, query
    for template in CALL_LISTS + CALL_EXPORTS:
        if "fleet" in template:
            yield template, "system_id=-1"
        else:
            yield template, "system_id=1"


@pytest.mark.parametrize("template,query", list(_pbx_cases()))
def test_bad_pbx_data_parameters_are_400_invalid_parameter(world, template, query):
    path = template.replace("{id}", str(world.system["id"]))
    refused_and_nothing_stored(world, lambda: world.owner.send("GET", f"{path}?{query}"), 400,
                               "invalid_parameter", ("GET", template))


# --- CSRF -----------------------------------------------------------------------------------

# Every cookie-authenticated change (method, template, body).
CHANGES = [
    ("PATCH", "/api/v1/session", lambda w: {"language": "de"}),
    ("DELETE", "/api/v1/session", lambda w: None),
    ("POST", "/api/v1/session/password",
     lambda w: {"current_password": PASSWORD, "new_password": "another-password-1"}),
    ("POST", "/api/v1/api-tokens", lambda w: {"name": "csrf"}),
    ("DELETE", "/api/v1/api-tokens/{id}", lambda w: None),
    ("POST", "/api/v1/systems", lambda w: {"name": "csrf", "serial": f"CSRF-{n()}"}),
    ("PATCH", "/api/v1/systems/{id}", lambda w: {"name": "csrf"}),
    ("DELETE", "/api/v1/systems/{id}", lambda w: None),
    ("POST", "/api/v1/systems/{id}/token", lambda w: None),
    ("DELETE", "/api/v1/systems/{id}/token", lambda w: None),
    ("POST", "/api/v1/authorisations",
     lambda w: {"user_id": w.peer_id, "system_id": w.free_system["id"], "roles": ["backup"]}),
    ("PATCH", "/api/v1/authorisations/{id}", lambda w: {"roles": ["backup"]}),
    ("DELETE", "/api/v1/authorisations/{id}", lambda w: None),
    ("POST", "/api/v1/groups", lambda w: {"name": f"csrf {n()}"}),
    ("PATCH", "/api/v1/groups/{id}", lambda w: {"description": "csrf"}),
    ("DELETE", "/api/v1/groups/{id}", lambda w: None),
    ("POST", "/api/v1/groups/{id}/join", lambda w: None),
    ("POST", "/api/v1/groups/{id}/leave", lambda w: None),
    ("PUT", "/api/v1/groups/{id}/members/{user_id}", lambda w: {"role": None}),
    ("DELETE", "/api/v1/groups/{id}/members/{user_id}", lambda w: None),
    ("PUT", "/api/v1/groups/{id}/systems/{system_id}", lambda w: None),
    ("DELETE", "/api/v1/groups/{id}/systems/{system_id}", lambda w: None),
]
# Documentation gaps found by this test (openapi.json): the status is answered but not
# listed. Each entry turns its cases into strict xfails until the document is fixed.
UNDOCUMENTED_403: dict = {}


def concrete(world: World, template: str) -> str:
    ids = {"/api/v1/api-tokens/{id}": world.token["id"],
           "/api/v1/authorisations/{id}": world.grant["id"]}
    path = template
    for prefix, value in ids.items():
        if template.startswith(prefix):
            path = path.replace("{id}", str(value))
    if template.startswith("/api/v1/systems/"):
        path = path.replace("{id}", str(world.system["id"]))
    path = path.replace("{id}", str(world.group["id"]))
    path = path.replace("{user_id}", str(world.peer_id))
    return path.replace("{system_id}", str(world.system["id"]))


def _csrf_cases():
    for method, template, body in CHANGES:
        for variant in ("missing", "wrong", "empty"):
            marks = []
            if (method, template) in UNDOCUMENTED_403:
                marks.append(pytest.mark.xfail(strict=True,
                                               reason=UNDOCUMENTED_403[(method, template)]))
            yield pytest.param(method, template, body, variant, marks=marks,
                               id=f"{method} {template}-{variant}")


@pytest.mark.parametrize("method,template,body,variant", list(_csrf_cases()))
def test_a_cookie_change_without_the_csrf_token_is_403_csrf_failed(world, method, template,
                                                                   body, variant):
    path = concrete(world, template)
    headers = {"missing": {}, "wrong": {"X-CSRF-Token": "0" * 43},
               "empty": {"X-CSRF-Token": ""}}[variant]
    refused_and_nothing_stored(
        world, lambda: world.owner.send(method, path, body(world), csrf=False, headers=headers),
        403, "csrf_failed", (method, template))


def test_the_csrf_token_of_another_session_does_not_count(world):
    other = Portal(world.url).use_source("127.0.3.4").login_with(ADMIN_EMAIL, PASSWORD)
    refused_and_nothing_stored(
        world, lambda: world.owner.send("PATCH", f"/api/v1/systems/{world.system['id']}",
                                        {"name": "csrf"}, csrf=False,
                                        headers={"X-CSRF-Token": other.csrf}),
        403, "csrf_failed", ("PATCH", "/api/v1/systems/{id}"))


def test_json_with_a_charset_parameter_is_json(world):
    status, body, _ = world.owner.send("POST", "/api/v1/groups", {"name": f"charset {n()}"},
                                       content_type="application/json; charset=utf-8")
    assert status == 201, body


def test_an_api_token_needs_no_csrf_token(world):
    script = Portal(world.url).use_source("127.0.3.5").use_token(world.token["token"])
    renamed = world.ok(script, "PATCH", f"/api/v1/systems/{world.system['id']}",
                       {"name": "Bad input 1"})
    assert renamed["name"] == "Bad input 1"
