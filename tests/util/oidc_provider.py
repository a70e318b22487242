#!/usr/bin/python3
"""A small OpenID Connect provider for tests: authorization code flow with PKCE (S256),
RS256-signed ID tokens, discovery document and JWKS, on plain HTTP at 127.0.0.1.

It auto-approves: /authorize sends the browser straight back to the client with a code for
the current test user. Switches make the next ID tokens wrong in one respect each, so a
test can show the relying party refuses them:

  normal          a correct token
  bad_signature   signed by a key that is not in the JWKS (same kid)
  wrong_audience  aud is another client
  expired         exp an hour ago
  wrong_nonce     nonce differs from the one of the authorization request
  wrong_issuer    iss is another provider
  deny            /authorize answers error=access_denied instead of a code

Use it in-process (OidcProvider(...).start(), set .mode / .user) or as a program:

  oidc_provider.py --client-id ccc-relay --client-secret s3cret \
                   --redirect-uri http://127.0.0.1:8080/api/v1/auth/oidc/callback [--port N]

The program prints one JSON line {"issuer": ..., "port": ...} when it serves. Control
endpoint (both modes): POST /control {"mode": "...", "user": {...claims...}} and
GET /control -> {"mode", "user", "token_requests": [{"ok", "error", "reason"}, ...]}.

Needs Debian's python3-cryptography and python3-jwt (PyJWT).
"""
import argparse
import base64
import hashlib
import json
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

MODES = ("normal", "bad_signature", "wrong_audience", "expired", "wrong_nonce", "wrong_issuer",
         "deny")
CODE_LIFETIME_S = 60
KID = "test-key-1"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_uint(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def pkce_s256(verifier: str) -> str:
    return b64url(hashlib.sha256(verifier.encode("ascii")).digest())


class OidcProvider:
    def __init__(self, client_id: str, client_secret: str, redirect_uri: str,
                 port: int = 0, host: str = "127.0.0.1"):
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.stranger_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.mode = "normal"
        self.user = {"sub": "sub-alice", "email": "alice@example.com", "email_verified": True,
                     "name": "Alice Example"}
        self.token_requests: list[dict] = []
        self._codes: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.issuer = f"http://{host}:{self.port}"
        self._thread: threading.Thread | None = None

    # --- lifecycle -----------------------------------------------------------------------

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- documents -------------------------------------------------------------------------

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "jwks_uri": self.issuer + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic",
                                                      "client_secret_post"],
            "scopes_supported": ["openid", "email", "profile"],
            "grant_types_supported": ["authorization_code"],
        }

    def jwks(self) -> dict:
        numbers = self.key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID,
                          "n": b64url_uint(numbers.n), "e": b64url_uint(numbers.e)}]}

    # --- protocol steps ----------------------------------------------------------------------

    def authorize(self, params: dict) -> tuple[int, dict]:
        """Returns (status, headers) for GET /authorize."""
        redirect_uri = params.get("redirect_uri", "")
        if params.get("client_id") != self.client_id or redirect_uri != self.redirect_uri:
            # Never redirect to an unregistered URI (RFC 6749 4.1.2.1).
            return 400, {}
        state = params.get("state", "")

        def back(**fields):
            fields["state"] = state
            return 302, {"Location": redirect_uri + "?" + urllib.parse.urlencode(fields)}

        if params.get("response_type") != "code":
            return back(error="unsupported_response_type")
        if "openid" not in params.get("scope", "").split():
            return back(error="invalid_scope")
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return back(error="invalid_request", error_description="PKCE S256 required")
        if self.mode == "deny":
            return back(error="access_denied")
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = {"challenge": params["code_challenge"],
                                 "nonce": params.get("nonce"), "redirect_uri": redirect_uri,
                                 "client_id": self.client_id, "issued": time.time(),
                                 "user": dict(self.user)}
        return back(code=code)

    def _client_from(self, headers, form: dict) -> tuple[str | None, str | None]:
        auth = headers.get("Authorization", "")
        if auth.lower().startswith("basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                return None, None
            return urllib.parse.unquote_plus(user), urllib.parse.unquote_plus(password)
        return form.get("client_id"), form.get("client_secret")

    def token(self, headers, form: dict) -> tuple[int, dict]:
        def refuse(status, error, reason):
            with self._lock:
                self.token_requests.append({"ok": False, "error": error, "reason": reason})
            return status, {"error": error, "error_description": reason}

        client_id, secret = self._client_from(headers, form)
        if client_id != self.client_id or not secrets.compare_digest(
                (secret or "").encode(), self.client_secret.encode()):
            return refuse(401, "invalid_client", "client authentication failed")
        if form.get("grant_type") != "authorization_code":
            return refuse(400, "unsupported_grant_type", "only authorization_code")
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # single use
        if grant is None:
            return refuse(400, "invalid_grant", "unknown or used code")
        if time.time() - grant["issued"] > CODE_LIFETIME_S:
            return refuse(400, "invalid_grant", "code expired")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return refuse(400, "invalid_grant", "redirect_uri differs")
        verifier = form.get("code_verifier", "")
        if not (43 <= len(verifier) <= 128) or pkce_s256(verifier) != grant["challenge"]:
            return refuse(400, "invalid_grant", "PKCE verifier mismatch")

        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300,
                  "nonce": grant["nonce"], "auth_time": now, **grant["user"]}
        key = self.key
        if self.mode == "bad_signature":
            key = self.stranger_key
        elif self.mode == "wrong_audience":
            claims["aud"] = "another-client"
        elif self.mode == "expired":
            claims["iat"], claims["exp"] = now - 7200, now - 3600
        elif self.mode == "wrong_nonce":
            claims["nonce"] = "not-the-nonce-of-this-login"
        elif self.mode == "wrong_issuer":
            claims["iss"] = "http://evil.invalid"
        id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})
        with self._lock:
            self.token_requests.append({"ok": True, "error": None, "reason": self.mode})
        return 200, {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer",
                     "expires_in": 300, "id_token": id_token}

    def control(self, body: dict) -> tuple[int, dict]:
        mode = body.get("mode", self.mode)
        if mode not in MODES:
            return 400, {"error": f"mode must be one of {MODES}"}
        self.mode = mode
        if "user" in body:
            self.user = dict(body["user"])
        return 200, self.state()

    def state(self) -> dict:
        with self._lock:
            return {"mode": self.mode, "user": self.user,
                    "token_requests": list(self.token_requests)}

    # --- HTTP ----------------------------------------------------------------------------------

    def _handler_class(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt, *args):  # quiet; tests read state via /control
                pass

            def _send(self, status: int, body: dict | None = None, headers: dict | None = None):
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
                if url.path == "/.well-known/openid-configuration":
                    self._send(200, provider.discovery())
                elif url.path == "/jwks":
                    self._send(200, provider.jwks())
                elif url.path == "/authorize":
                    status, headers = provider.authorize(params)
                    self._send(status, None if status == 302 else {"error": "invalid_request"},
                               headers)
                elif url.path == "/control":
                    self._send(200, provider.state())
                else:
                    self._send(404, {"error": "not_found"})

            def do_POST(self):
                url = urllib.parse.urlsplit(self.path)
                if url.path == "/token":
                    if not self.headers.get("Content-Type", "").startswith(
                            "application/x-www-form-urlencoded"):
                        self._send(400, {"error": "invalid_request"})
                        return
                    form = dict(urllib.parse.parse_qsl(self._body().decode(),
                                                       keep_blank_values=True))
                    self._send(*provider.token(self.headers, form))
                elif url.path == "/control":
                    try:
                        body = json.loads(self._body() or b"{}")
                    except ValueError:
                        self._send(400, {"error": "malformed_json"})
                        return
                    self._send(*provider.control(body))
                else:
                    self._send(404, {"error": "not_found"})

        return Handler


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--redirect-uri", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--mode", choices=MODES, default="normal")
    parser.add_argument("--user", help="JSON object of the test user's claims")
    args = parser.parse_args(argv)
    provider = OidcProvider(args.client_id, args.client_secret, args.redirect_uri, args.port)
    provider.mode = args.mode
    if args.user:
        provider.user = json.loads(args.user)
    print(json.dumps({"issuer": provider.issuer, "port": provider.port}), flush=True)
    try:
        provider._server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
