"""Bring the box up: the store with the demo and the bench agents, Kamailio and the engine."""

from __future__ import annotations

import secrets
import shutil
import string

from appliance.store import db
from appliance.store.models import Agent, Queue, QueueMember

from .bench import Bench
from .const import DTMF_PCAP, FIRST_EXTENSION, QUEUE
from .exceptions import RunBroke
from .probe import Probe


def bring_up(bench: Bench) -> None:
    """Create the store with the demo and N bench agents, start Kamailio and the engine."""
    check_tools()
    bench.box.init()
    bench.agents = new_agents(bench.opts.agents)
    add_to_queue(bench.agents)
    bench.box.start()  # Kamailio's subscriber table is synced from the store here
    bench.probe = Probe(bench.box)
    pid = bench.box.engine.pid if bench.box.engine else 0
    bench.say(f"box up in {bench.var} (engine pid {pid})")


def check_tools() -> None:
    """Raise RunBroke if a program or file the run needs is missing."""
    for tool in ("sipp", "kamailio", "sox"):
        if shutil.which(tool) is None:
            raise RunBroke(f"{tool} is not installed (make deps deps-test)")
    if not DTMF_PCAP.is_file():
        raise RunBroke(f"{DTMF_PCAP} is missing (Debian's sip-tester ships it)")


def new_agents(count: int) -> list[tuple[str, str]]:
    """Return (extension, password) for count agents from FIRST_EXTENSION up."""
    alphabet = string.ascii_letters + string.digits
    # Never "0x…": SIPp reads such a password as hex, the digest is wrong and Kamailio says 403.
    return [
        (str(FIRST_EXTENSION + i), "pw" + "".join(secrets.choice(alphabet) for _ in range(14)))
        for i in range(count)
    ]


def add_to_queue(agents: list[tuple[str, str]]) -> None:
    """Store the agents, ready, as members of the bench's queue."""
    support = Queue.get(Queue.name == QUEUE)
    with db.atomic():
        for ext, password in agents:
            agent = Agent.create(
                extension=ext,
                name=f"Bench {ext}",
                sip_password=password,
                state="ready",
                auto_ready=True,
            )
            QueueMember.create(queue=support, agent=agent)
