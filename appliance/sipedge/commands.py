"""`callbox sip-edge`: prepare Kamailio and become it (the callbox-kamailio systemd unit)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from appliance.config import load
from appliance.sipedge.exceptions import SipEdgeError


@click.command("sip-edge")
def sip_edge() -> None:
    """Write Kamailio's config, database and subscribers, then run it in this process.

    What `callbox run` does before it starts Kamailio, for a box whose services are
    systemd units: the unit's main process ends up being Kamailio itself.
    """
    from appliance.sipedge.manager import Kamailio
    from appliance.store.manager import open_store

    settings = load()
    if not Path(settings.paths.database).is_file():
        raise SipEdgeError(f"no database at {settings.paths.database}: run `callbox init` first")
    database = open_store(settings, migrate=False)  # subscribers come from the agents
    try:
        kamailio = Kamailio(settings)
        kamailio.prepare()
    finally:
        database.close()
    argv = kamailio.argv()
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(argv[0], argv)
