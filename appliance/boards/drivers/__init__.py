"""Board drivers, one module each; every `Board` subclass here with a `type_key` is found.

See `appliance/boards/base.py` for the contract a driver follows.
"""
