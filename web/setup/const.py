"""The wizard's steps, in order, and the choices its forms offer."""

from __future__ import annotations

from web.i18n import lazy_gettext as _l

# The step names are the URL paths (/setup/<step>) and SetupState.step's values.
STEPS = ("admin", "locale", "trunk", "agents", "queue", "ivr", "checklist")
STEP_TITLES = {
    "admin": _l("Administrator"),
    "locale": _l("Language and time zone"),
    "trunk": _l("Trunk"),
    "agents": _l("Agents"),
    "queue": _l("First queue"),
    "ivr": _l("IVR"),
    "checklist": _l("Test call"),
}
TRUNK_KINDS = {
    "register": _l("Registration to a carrier (username and password)"),
    "peer": _l("IP peer (the carrier sends calls from its address)"),
}
STRATEGIES = {
    "longest_idle": _l("Longest idle agent first"),
    "round_robin": _l("Round robin"),
    "ring_all": _l("Ring all agents"),
    "fewest_calls": _l("Fewest calls first"),
    "random": _l("Random"),
}
IVR_LANGUAGES = {"en": _l("English"), "zh": _l("Chinese")}
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
IVR_FLOW_NAME = "main"
MAX_AGENTS = 200  # per bulk add: a range typo (1001-10010) should not create thousands
PASSWORD_MIN = 12  # OWASP ASVS 2.1.1
PASSWORD_MAX = 128
SIP_PASSWORD_LENGTH = 16
