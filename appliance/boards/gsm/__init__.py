"""The gsm driver's parts: serial transport, AT parser, command queue, call state machine.

Vendor differences (SIMCom, Quectel, Huawei) are data in `vendors.py`, not branches.
"""
