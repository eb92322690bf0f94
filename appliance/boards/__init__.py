"""Line boards: analog (DAHDI) and GSM lines plugged into the box, seen as ports.

`base.py` holds the contract every driver follows; drivers live one module each in
`drivers/` and are found by `registry.py`. docs/boards.md describes the whole.
"""
