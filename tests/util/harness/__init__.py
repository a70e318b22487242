"""Helpers that start the real parts (PKI, Mosquitto, relay, agents) on loopback for the
integration tests, the benchmarks and the demo. Shared, not copied (STYLE.md)."""
