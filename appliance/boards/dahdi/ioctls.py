"""DAHDI's ioctl numbers and values, computed as `dahdi/user.h` defines them.

The numbers use Linux's generic `_IOC` encoding (asm-generic/ioctl.h, used by x86, ARM
and RISC-V): direction in bits 30-31, argument size in bits 16-29, the type (DAHDI_CODE,
0xDA) in bits 8-15, the number in bits 0-7. Every DAHDI number the driver uses is here.
"""

from __future__ import annotations

import struct

_IOC_NONE, _IOC_WRITE, _IOC_READ = 0, 1, 2
INT_SIZE = 4
DAHDI_CODE = 0xDA


def _ioc(direction: int, code: int, number: int, size: int) -> int:
    """Return the ioctl request number for the fields."""
    return (direction << 30) | (size << 16) | (code << 8) | number


def _iow(code: int, number: int, size: int) -> int:
    """Return `_IOW(code, number, <size bytes>)`."""
    return _ioc(_IOC_WRITE, code, number, size)


def _ior(code: int, number: int, size: int) -> int:
    """Return `_IOR(code, number, <size bytes>)`."""
    return _ioc(_IOC_READ, code, number, size)


def _iowr(code: int, number: int, size: int) -> int:
    """Return `_IOWR(code, number, <size bytes>)`."""
    return _ioc(_IOC_READ | _IOC_WRITE, code, number, size)


# struct dahdi_params: 12 ints (channo … idlebits), char name[40], 11 ints (prewinktime …
# pulseaftertime), __u32 chan_alarms — 136 bytes, no padding.
PARAMS = struct.Struct("=12i40s11iI")
# struct dahdi_dialoperation: int op; char dialstr[DAHDI_MAX_DTMF_BUF = 256].
DIAL_OPERATION = struct.Struct("=i256s")

SET_BLOCKSIZE = _iow(DAHDI_CODE, 1, INT_SIZE)
GET_PARAMS = _iowr(DAHDI_CODE, 5, PARAMS.size)
HOOK = _iow(DAHDI_CODE, 7, INT_SIZE)
GETEVENT = _ior(DAHDI_CODE, 8, INT_SIZE)
DIAL = _iow(DAHDI_CODE, 31, DIAL_OPERATION.size)
SPECIFY = _iow(DAHDI_CODE, 38, INT_SIZE)
TONEDETECT = _iow(DAHDI_CODE, 91, INT_SIZE)

# DAHDI_HOOK values
ONHOOK, OFFHOOK, WINK, FLASH, START, RING, RINGOFF = range(7)
# DAHDI_DIAL operations
DIAL_OP_APPEND, DIAL_OP_REPLACE, DIAL_OP_CANCEL = 1, 2, 3
TONEDETECT_ON, TONEDETECT_MUTE = 1, 2

# DAHDI_GETEVENT results
EVENT_NONE = 0
EVENT_ONHOOK = 1
EVENT_RINGOFFHOOK = 2
EVENT_WINKFLASH = 3
EVENT_ALARM = 4
EVENT_NOALARM = 5
EVENT_DIALCOMPLETE = 9
EVENT_RINGERON = 10
EVENT_RINGEROFF = 11
EVENT_HOOKCOMPLETE = 12
EVENT_POLARITY = 17
EVENT_RINGBEGIN = 18
EVENT_REMOVED = 20
EVENT_PULSEDIGIT = 1 << 16  # OR'd with the digit
EVENT_DTMFDOWN = 1 << 17
EVENT_DTMFUP = 1 << 18
ELAST = 500  # read() fails with this errno while an event waits for DAHDI_GETEVENT

# Signalling types (sigtype in dahdi_params). A channel *signalled* FXS talks to an
# exchange: it is an FXO port. One signalled FXO drives a phone: an FXS port.
SIG_FXS = 1 << 13
SIG_FXO = 1 << 12
SIG_NAMES = {
    "FXSLS": (1 << 0) | SIG_FXS,
    "FXSGS": (1 << 1) | SIG_FXS,
    "FXSKS": (1 << 2) | SIG_FXS,
    "FXOLS": (1 << 3) | SIG_FXO,
    "FXOGS": (1 << 4) | SIG_FXO,
    "FXOKS": (1 << 5) | SIG_FXO,
}
LAW_MULAW, LAW_ALAW = 1, 2
# chan_alarms bits
ALARMS = {"recover": 1 << 0, "loopback": 1 << 1, "yellow": 1 << 2, "red": 1 << 3, "blue": 1 << 4}
ALARM_NOTOPEN = 1 << 5
