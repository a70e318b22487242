"""A broker, one relay and N agents in one object: what most integration tests and the demo
need. Every process it starts is listed in `processes` (for log dumps) and stopped by
stop_all(): agents first, then the relay, then the broker."""
from pathlib import Path

from .broker import Broker
from .pki import Pki
from .processes import Agent, Relay


class Fleet:
    def __init__(self, directory: Path, pki: Pki | None = None, broker_port: int | None = None):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.pki = pki or Pki(self.dir / "pki")
        self.broker = Broker(self.dir / "broker", self.pki, port=broker_port)
        self.relay: Relay | None = None
        self.agents: dict[str, Agent] = {}

    @property
    def processes(self) -> list:
        return [self.broker, *([self.relay] if self.relay else []), *self.agents.values()]

    def start_broker(self):
        self.broker.start()
        return self.broker

    def make_relay(self, http_port: int | None = None, overrides: dict | None = None,
                   directory: Path | None = None) -> Relay:
        self.relay = Relay(directory or self.dir / "relay", self.pki, self.broker.port,
                           http_port=http_port, overrides=overrides)
        return self.relay

    def make_agent(self, device_id: str, overrides: dict | None = None,
                   cert_cn: str | None = None) -> Agent:
        agent = Agent(self.dir / "agents" / device_id, self.pki, self.broker.port, device_id,
                      cert_cn=cert_cn, overrides=overrides)
        self.agents[device_id] = agent
        return agent

    def make_agents(self, device_ids, overrides: dict | None = None) -> list[Agent]:
        self.pki.clients(*device_ids)  # one dev-pki.sh call for all of them
        return [self.make_agent(d, overrides) for d in device_ids]

    def start(self, device_ids=(), agent_overrides: dict | None = None,
              relay_overrides: dict | None = None, http_port: int | None = None,
              register: bool = True):
        """Broker, relay (with `device_ids` registered) and one agent per id, all ready."""
        self.start_broker()
        relay = self.make_relay(http_port=http_port, overrides=relay_overrides)
        if register:
            relay.add_devices(*device_ids)
        relay.start()
        for agent in self.make_agents(list(device_ids), agent_overrides):
            agent.start()
        return self

    def stop_all(self):
        errors = []
        for process in [*self.agents.values(), self.relay]:
            if process is None:
                continue
            try:
                process.stop()
            except Exception as e:  # keep stopping the others
                errors.append(e)
        self.broker.stop()
        if errors:
            raise errors[0]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop_all()
