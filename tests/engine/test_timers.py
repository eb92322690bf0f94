"""Engine timers: a cancelled timer lets go of what its callback held."""

from __future__ import annotations

import functools
import gc
import weakref

from appliance.engine.reactor import Timer


class Call:
    """Something big a timer's closure might hold."""


def test_cancelled_timer_releases_its_closure_at_once() -> None:
    call = Call()
    gone = weakref.ref(call)
    timer = Timer(due=1e12, seq=1, callback=functools.partial(repr, call))
    del call
    gc.collect()
    assert gone() is not None  # the pending timer keeps it, as it must
    timer.cancel()
    gc.collect()
    assert gone() is None  # still in the heap, but no longer holding the call
    timer.callback()  # and firing it anyway does nothing
