"""kill -9 of a busy agent, repeatedly: nothing its outbox committed is lost, nothing is
stored twice."""
import time

from harness.delivery import check_exactly_once, wait_drained, wait_stored
from harness.randomness import seeded_random

DEVICE = "CRASH-1"
CYCLES = 3
AGENT_SETTINGS = {
    "sampler": {"interval": "100ms"},
    "mqtt": {"flush_rate": 0, "reconnect_jitter": "500ms", "max_batch_records": 20},
    "outbox": {"sync": "full"},
}


def test_an_agent_killed_mid_stream_loses_and_duplicates_nothing(fleet):
    rng = seeded_random()

    fleet.start_broker()
    relay = fleet.make_relay()
    relay.add_devices(DEVICE)
    relay.start()
    db = relay.db()
    agent = fleet.make_agent(DEVICE, AGENT_SETTINGS)
    agent.start()
    wait_stored(db, agent, at_least=3, timeout=10)

    last_seqs = []
    for cycle in range(CYCLES):
        # A random moment while samples are being produced and published.
        time.sleep(rng.uniform(0.3, 2.5))
        agent.check_alive()
        agent.kill()
        last_seqs.append(agent.status().last_seq("telemetry"))
        before = db.telemetry_count(DEVICE)
        agent.start()
        wait_stored(db, agent, at_least=before + 3, timeout=15)
    print("last seq at each kill:", last_seqs)
    assert last_seqs == sorted(last_seqs) and last_seqs[0] > 0

    wait_drained([agent], timeout=30, streams=["telemetry"])
    assert agent.stop() == 0, agent.log_tail()
    figures = check_exactly_once(agent, db, timeout=30)
    print("delivery:", figures)
    assert figures["assigned"] >= last_seqs[-1]
