#!/usr/bin/env bash
# Creates a throw-away certificate authority and certificates for tests and the demo.
# Never use these for a real deployment: the relay's device CA issues agent certificates
# through pairing, and the broker's server certificate comes from your usual PKI.
#
#   dev-pki.sh DIR ca                 -> DIR/ca.crt, DIR/ca.key (once; kept if present)
#   dev-pki.sh DIR server NAME        -> DIR/NAME.crt/.key, SAN localhost + 127.0.0.1
#   dev-pki.sh DIR client CN [CN...]  -> DIR/CN.crt/.key for each CN (agents, the relay)
# Keys are EC P-256: fast to make, small, and what the agent uses on slow ARM boards.
set -euo pipefail

usage() { echo "usage: $0 DIR ca | DIR server NAME | DIR client CN [CN...]" >&2; exit 2; }
[ $# -ge 2 ] || usage
dir=$1; kind=$2; shift 2
mkdir -p "$dir"
umask 077

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

issue() {  # issue NAME EXTENSIONS
  local name=$1 ext=$2
  case "$name" in
    ''|.*|*/*|*[!A-Za-z0-9._-]*) echo "dev-pki: invalid name '$name'" >&2; exit 2 ;;
  esac
  [ -f "$dir/ca.key" ] || { echo "dev-pki: no CA in $dir; run '$0 $dir ca' first" >&2; exit 1; }
  new_key "$dir/$name.key"
  openssl req -new -key "$dir/$name.key" -subj "/CN=$name" -out "$dir/$name.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 825 -sha256 \
    -extfile <(printf '%s\n' "$ext") -out "$dir/$name.crt" 2>/dev/null
  rm -f "$dir/$name.csr"
}

case "$kind" in
  ca)
    [ $# -eq 0 ] || usage
    if [ ! -f "$dir/ca.crt" ]; then
      new_key "$dir/ca.key"
      openssl req -x509 -new -key "$dir/ca.key" -subj "/CN=ccc test CA" -days 3650 -sha256 \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$dir/ca.crt" 2>/dev/null
    fi
    ;;
  server)
    [ $# -eq 1 ] || usage
    issue "$1" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"
    ;;
  client)
    [ $# -ge 1 ] || usage
    for cn in "$@"; do
      issue "$cn" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
    done
    ;;
  *) usage ;;
esac
