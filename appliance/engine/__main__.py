"""Run the engine: `python -m appliance.engine`."""

from __future__ import annotations

import logging
import sys

from appliance.config import ConfigError, load
from appliance.store.exceptions import StoreError


def main() -> int:
    """Start the engine in the foreground; return the exit status."""
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    try:
        settings = load()
        from appliance.engine.manager import Engine  # loads pjsua2

        engine = Engine(settings)
    except (ConfigError, StoreError) as exc:
        print(f"callbox engine: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(
            f"callbox engine: {exc}: run `make run` (it builds the pjsua2 binding)", file=sys.stderr
        )
        return 2
    from appliance.engine.reactor import EngineStartError

    try:
        engine.run()
    except EngineStartError as exc:
        print(f"callbox engine: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
