"""A small MQTT 5 test client (python3-paho-mqtt 1.6.1) over mutual TLS, for tests that act
as a misbehaving or foreign device. It reports PUBACK reason codes, which paho 1.6 parses
but does not hand to on_publish (0 success, 16 no matching subscribers, 135 not
authorized, 151 quota exceeded, ...)."""
import ssl
import threading
import time

import paho.mqtt.client as mqtt

RC_NOT_AUTHORIZED = 135


class _Client(mqtt.Client):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.puback_codes: dict[int, int] = {}
        self.puback_cond = threading.Condition()

    def _handle_pubackcomp(self, cmd):
        # MQTT 5 PUBACK: packet id (2 bytes), then an optional reason code (absent = 0).
        packet = self._in_packet["packet"]
        if cmd == "PUBACK" and len(packet) >= 2:
            mid = int.from_bytes(packet[:2], "big")
            code = packet[2] if len(packet) > 2 else 0
            with self.puback_cond:
                self.puback_codes[mid] = code
                self.puback_cond.notify_all()
        return super()._handle_pubackcomp(cmd)


class DeviceClient:
    """Connects as client_id with the given certificate (or none) to 127.0.0.1:port.

    connect() returns the CONNACK reason code (0 = success) or raises OSError/ssl.SSLError
    when TLS refuses us."""

    def __init__(self, port: int, ca, cert=None, key=None, client_id: str = "test-client"):
        self.port = port
        self.client = _Client(client_id=client_id, protocol=mqtt.MQTTv5)
        context = ssl.create_default_context(cafile=str(ca))
        if cert is not None:
            context.load_cert_chain(str(cert), str(key))
        self.client.tls_set_context(context)
        self.connack = None
        self._connected = threading.Event()
        self.messages = []
        self.client.on_connect = self._on_connect
        self.client.on_message = lambda c, u, m: self.messages.append(m)

    def _on_connect(self, client, userdata, flags, reason_code, properties=None):
        self.connack = int(getattr(reason_code, "value", reason_code))
        self._connected.set()

    def connect(self, timeout: float = 10.0) -> int:
        self.client.connect("127.0.0.1", self.port, keepalive=10, clean_start=True)
        self.client.loop_start()
        if not self._connected.wait(timeout):
            self.client.loop_stop()
            raise TimeoutError(f"no CONNACK within {timeout}s")
        return self.connack

    def publish(self, topic: str, payload: bytes, timeout: float = 10.0) -> int:
        """QoS 1 publish; returns the PUBACK reason code."""
        info = self.client.publish(topic, payload, qos=1)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            raise OSError(f"publish to {topic} failed locally: {mqtt.error_string(info.rc)}")
        deadline = time.monotonic() + timeout
        with self.client.puback_cond:
            while info.mid not in self.client.puback_codes:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no PUBACK for {topic} within {timeout}s")
                self.client.puback_cond.wait(left)
            return self.client.puback_codes.pop(info.mid)

    def subscribe(self, topic: str, qos: int = 1):
        self.client.subscribe(topic, qos=qos)

    def close(self):
        try:
            self.client.disconnect()
        finally:
            self.client.loop_stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
