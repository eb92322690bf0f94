"""Load callbox settings: defaults ⊕ /etc/callbox/callbox.yml ⊕ conf.d/*.yml ⊕ CALLBOX_* env.

Every port and path is a setting.  The defaults table is the dataclasses below;
overlays may only name keys that exist there, with values of the declared type,
so a typo fails loudly with the key's dotted name instead of being ignored.

Environment overrides use a double underscore between section and key:
``CALLBOX_WEB__PORT=8081`` sets ``web.port``.  ``CALLBOX_CONFIG`` points at the
main file (default ``/etc/callbox/callbox.yml``); its ``conf.d/`` sits beside it.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_CONFIG_FILE = Path("/etc/callbox/callbox.yml")
ENV_PREFIX = "CALLBOX_"
# Variables under these prefixes belong to others (Flask's from_prefixed_env) or are secrets.
RESTART_METHODS = ("auto", "supervisor", "systemd")
# CALLBOX_HOOK_* are the variables a lifecycle hook is given (docs/hooks.md), CALLBOX_PYTHON the
# interpreter a release's bin/callbox runs on (docs/upgrade.md), CALLBOX_IMAGE_* the image
# build's and boot test's knobs (images/README.md).
FOREIGN_ENV = (
    "CALLBOX_CONFIG",
    "CALLBOX_FLASK_",
    "CALLBOX_BACKUP_PASSPHRASE",
    "CALLBOX_HOOK_",
    "CALLBOX_PYTHON",
    "CALLBOX_IMAGE_",
    "CALLBOX_BUILD_CACHE",  # where tools/pjsua2/build.sh and images/ keep their builds
)


class ConfigError(Exception):
    """A setting is malformed; the message names the key and what to do."""


@dataclass
class PathSettings:
    """Where the box keeps its state (relative paths are taken from the working directory)."""

    var: str = "var"
    database: str = ""  # default: <var>/callbox.db
    recordings: str = ""  # default: <var>/recordings
    prompts: str = ""  # default: <var>/prompts
    run: str = ""  # default: <var>/run  (sockets, pid and heartbeat files)
    backups: str = ""  # default: <var>/backups
    kamailio: str = ""  # default: <var>/kamailio  (rendered config, its SQLite db)

    # Paths that name a file; every other path setting is a folder.
    FILES = frozenset({"database"})

    def items(self) -> list[tuple[str, str]]:
        """Return (name, path) for every path setting."""
        return [(f.name, getattr(self, f.name)) for f in dataclasses.fields(self)]

    def folders(self) -> list[Path]:
        """Return the folders the box keeps its state in."""
        return [Path(path) for name, path in self.items() if name not in self.FILES]


@dataclass
class SipSettings:
    """The SIP edge (Kamailio): where phones register and place calls."""

    listen: str = "127.0.0.1"
    port: int = 5060
    domain: str = "127.0.0.1"
    kamailio_binary: str = "kamailio"
    pike_reqs_density: int = 300  # requests per source IP per 2 s before it is blocked
    pike_exempt: list[str] = field(default_factory=lambda: ["127.0.0.1"])  # addresses or CIDRs
    ban_seconds: int = 300  # how long a flooding or scanning source is dropped
    children: int = 4  # Kamailio worker processes for UDP and for TCP
    log_level: int = 1  # Kamailio debug level: -1 errors, 0 warnings, 1 notices, 2 info, 3 debug


@dataclass
class EngineSettings:
    """The pjsua2 engine: its internal SIP port, trunk port, RTP range and control socket."""

    listen: str = "127.0.0.1"
    port: int = 5080  # Kamailio <-> engine
    trunk_listen: str = "127.0.0.1"
    trunk_port: int = 5070  # carriers' INVITEs arrive here
    rtp_port: int = 20000
    rtp_port_range: int = 8000
    public_address: str = ""  # SDP address; default: listen
    control_socket: str = ""  # default: <run>/engine.sock
    trunk_qualify_seconds: float = 30.0  # OPTIONS to each IP-peer trunk this often; 0: never
    record_calls: bool = True
    log_level: int = 2
    # Full disk (docs/recovery.md): below recording_min_free_mb free on the recordings folder
    # no call is recorded; recordings resume once recording_resume_mb more is free again.
    recording_min_free_mb: float = 200.0
    recording_resume_mb: float = 50.0
    disk_check_seconds: float = 5.0
    boards_poll_seconds: float = 30.0  # line boards' health (SIM, signal) asked this often


@dataclass
class WebSettings:
    """The web UI and API under gunicorn."""

    listen: str = "127.0.0.1"
    port: int = 8080
    workers: int = 2
    threads: int = 16
    secret_key: str = ""  # default: generated into <var>/secret_key
    tls_cert: str = ""  # HTTPS certificate (PEM); default: self-signed into <var>/tls/
    tls_key: str = ""  # its private key (PEM); default: beside the generated certificate


@dataclass
class SmtpSettings:
    """Outgoing e-mail: new voicemail sent to the box's address, the recording attached."""

    enabled: bool = False
    host: str = "localhost"
    port: int = 25
    sender: str = "callbox@localhost"  # the From address
    starttls: bool = False
    username: str = ""  # log in when set
    password: str = ""
    timeout_seconds: float = 10.0
    attempts: int = 4  # tries per e-mail before it is given up (and logged)
    retry_seconds: float = 5.0  # before the second try; doubled before each further one


@dataclass
class DialingSettings:
    """Calls out: where the box is (number classes) and how many may run at once."""

    region: str = "CN"  # ISO country of the box: numbers without a country code are its
    area_code: str = ""  # the box's own area code (755): its numbers count as local
    max_outbound_calls: int = 0  # concurrent calls out at most; 0: no cap (emergency exempt)
    # Toll-fraud alerts (appliance/health/checks/outbound.py), counted over the last window:
    alert_window_minutes: int = 60
    alert_min_calls: int = 30  # calls out: no volume alert at or below this many
    alert_volume_factor: float = 3.0  # calls out above this × the usual for the time of day
    alert_international_calls: int = 10  # international or premium-rate calls routed
    alert_refused_calls: int = 10  # calls out refused by class of service, hours or cap


@dataclass
class PbxSettings:
    """Office phone features: call park and callback on busy (docs/pbx.md)."""

    park_seconds: float = 60.0  # a parked call waits this long, then rings the parker back
    park_ring_seconds: int = 20  # how long the parker is rung back (then their no-answer forward)
    busy_callback_minutes: float = 30.0  # a callback on busy is dropped after this long
    operator: str = ""  # the operator / reception: an extension or ring group phones dial 0 for


@dataclass
class FeatureCodeSettings:
    """The codes phones dial for each feature (appliance/callflow/features.py, docs/pbx.md)."""

    login: str = "*45"  # log in / out, toggled
    ready: str = "*46"  # ready / not ready, toggled
    dnd_on: str = "*78"
    dnd_off: str = "*79"
    forward_always: str = "*72"  # followed by the number (or the voicemail_own code)
    unforward_always: str = "*73"
    forward_busy: str = "*90"
    unforward_busy: str = "*91"
    forward_no_answer: str = "*52"
    unforward_no_answer: str = "*53"
    pickup: str = "*8"  # a call ringing for my queues or a colleague sharing one
    directed_pickup: str = "**"  # followed by the extension
    intercom: str = "*80"  # followed by the extension
    callback_busy: str = "*6"  # followed by the busy extension
    speed_dial: str = "*0"  # followed by the list's index
    park: str = "*700"  # a transfer to it parks the call
    record_prompt: str = "*77"  # followed by digits: record custom prompt phone-<digits>
    voicemail_own: str = "*97"  # listen to my box; as a forward target: my box
    voicemail_any: str = "*98"
    book_call: str = "*35"  # followed by HHMM and the number: a booked call out


@dataclass
class SupervisorSettings:
    """`callbox run`: how children are restarted."""

    restart_delay_seconds: float = 1.0
    restart_budget: int = 10  # restarts per service within restart_window_seconds
    restart_window_seconds: int = 300
    stop_timeout_seconds: float = 5.0


@dataclass
class WatchdogSettings:
    """The watchdog: its checks' thresholds and what it does about a failure (watchdog.md)."""

    interval_seconds: float = 2.0
    failures_before_action: int = 3  # consecutive failed rounds before a restart or an alert
    restart: bool = True  # restart a service that stays unhealthy (engine, kamailio, web…)
    restart_method: str = "auto"  # auto (systemd when run by it) | supervisor | systemd
    systemctl: str = "systemctl"  # the command restarting a unit under systemd
    restart_budget: int = 3  # restarts per service within restart_window_seconds
    restart_window_seconds: int = 1800
    restart_backoff_seconds: float = 30.0  # wait after a restart; doubled after each further one
    restart_grace_seconds: float = 60.0  # a service (or the watchdog) this new is not restarted
    repair: bool = True  # free stuck agents and close calls left without events
    disk_min_free_mb: int = 1024  # recordings and var: less free than this is an alert
    disk_min_free_percent: float = 5.0
    memory_max_percent: float = 90.0
    cpu_max_load_per_core: float = 4.0  # the 5-minute load average divided by the cores
    ring_grace_seconds: float = 30.0  # beyond the longest ring timeout before an agent is stuck
    call_quiet_seconds: float = 60.0  # a live call with no event in the store this long is stuck
    alert_emails: list[str] = field(default_factory=list)  # alerts e-mailed here (smtp settings)
    syslog_address: str = ""  # "host:port" (UDP); default: /dev/log when present
    hardware_device: str = ""  # e.g. /dev/watchdog: written every healthy round


@dataclass
class HookSettings:
    """Lifecycle hooks (docs/hooks.md): where they are, how long each may run, the log."""

    shipped: str = ""  # default: the firmware_hooks/ folder beside the running code
    local: str = "/etc/callbox/hooks"  # the owner's or integrator's own <event>.d/ folders
    timeout_seconds: float = 300.0  # per hook; a hook still running then is killed
    log_file: str = ""  # default: <var>/log/hooks.log
    health_checks: list[str] = field(default_factory=list)  # post-upgrade waits; []: services


@dataclass
class UpgradeSettings:
    """`callbox upgrade` (docs/upgrade.md): releases side by side, trusted keys, deadline."""

    prefix: str = "/opt/callbox"  # releases/<version>/ and the `current` symlink
    keys: str = "/etc/callbox/upgrade-keys"  # *.pub: ed25519 keys trusted to sign bundles
    health_deadline_seconds: float = 300.0  # post-upgrade hooks must pass within this
    stop_command: str = ""  # stops the services (e.g. systemctl stop callbox.target)
    start_command: str = ""  # starts them again; both empty: nothing runs during upgrades


@dataclass
class ProvisioningSettings:
    """Reseller profiles, zero-touch first boot and phone provisioning (docs/provisioning.md)."""

    public_key: str = "/etc/callbox/reseller.pub"  # the reseller's ed25519 key, baked in
    profile_url: str = ""  # zero-touch: fetch the profile here (and <url>.sig) when no USB
    usb_label: str = "CALLBOX"  # zero-touch: the filesystem label of the reseller's stick
    fetch_timeout_seconds: float = 10.0
    phone_networks: list[str] = field(default_factory=list)  # CIDRs served without a password
    phone_server: str = ""  # the SIP address phones register to; default: sip.domain
    report_url: str = ""  # unit reports: POST them here (HTTPS); "": no reports are sent
    report_token: str = ""  # the unit's token, as the reseller registered it (a secret)
    report_interval_minutes: int = 5
    report_ca_file: str = ""  # a PEM CA bundle for the reseller's server; "": the system's
    report_timeout_seconds: float = 10.0  # one attempt; a down server never holds the job longer


@dataclass
class Settings:
    """All of callbox's settings, with derived paths filled in by `load`."""

    paths: PathSettings = field(default_factory=PathSettings)
    sip: SipSettings = field(default_factory=SipSettings)
    engine: EngineSettings = field(default_factory=EngineSettings)
    web: WebSettings = field(default_factory=WebSettings)
    supervisor: SupervisorSettings = field(default_factory=SupervisorSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    dialing: DialingSettings = field(default_factory=DialingSettings)
    watchdog: WatchdogSettings = field(default_factory=WatchdogSettings)
    hooks: HookSettings = field(default_factory=HookSettings)
    upgrade: UpgradeSettings = field(default_factory=UpgradeSettings)
    provisioning: ProvisioningSettings = field(default_factory=ProvisioningSettings)
    pbx: PbxSettings = field(default_factory=PbxSettings)
    features: FeatureCodeSettings = field(default_factory=FeatureCodeSettings)
    language: str = "en"
    timezone: str = "UTC"
    demo: bool = False  # a developer's or trial box: the web serves plain HTTP
    boards: list[dict[str, Any]] = field(default_factory=list)  # line boards (docs/boards.md)

    @property
    def web_https(self) -> bool:
        """Return true if the web serves HTTPS (every box but a demo one)."""
        return not self.demo

    @property
    def var(self) -> Path:
        """Return the state folder."""
        return Path(self.paths.var)

    @property
    def run_dir(self) -> Path:
        """Return the folder for sockets and heartbeat files."""
        return Path(self.paths.run)


def load(
    config_file: Path | str | None = None,
    env: dict[str, str] | None = None,
    overrides: dict[str, Any] | None = None,
) -> Settings:
    """Return the settings from defaults, the config file, conf.d, environment and overrides."""
    env = dict(os.environ if env is None else env)
    path = Path(config_file or env.get(ENV_PREFIX + "CONFIG") or DEFAULT_CONFIG_FILE)
    merged: dict[str, Any] = {}
    for layer_path in _config_files(path):
        _merge(merged, _read_yaml(layer_path))
    _merge(merged, _env_layer(env))
    _merge(merged, overrides or {})
    settings = _build(Settings, merged, "")
    _derive(settings)
    return settings


def _config_files(path: Path) -> list[Path]:
    """Return the main file (if present) followed by conf.d/*.yml in name order."""
    files = [path] if path.is_file() else []
    confd = path.parent / "conf.d"
    if confd.is_dir():
        files += sorted(confd.glob("*.yml")) + sorted(confd.glob("*.yaml"))
    return files


def _read_yaml(path: Path) -> dict[str, Any]:
    """Return one YAML layer, or raise ConfigError naming the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc}); fix the file or remove it") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: must hold a mapping of settings, not {type(data).__name__}")
    return data


def _env_layer(env: dict[str, str]) -> dict[str, Any]:
    """Return the CALLBOX_SECTION__KEY variables as a nested mapping of strings."""
    layer: dict[str, Any] = {}
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX) or name.startswith(FOREIGN_ENV):
            continue
        parts = name[len(ENV_PREFIX) :].lower().split("__")
        node = layer
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return layer


def _merge(base: dict[str, Any], layer: dict[str, Any]) -> None:
    """Merge layer into base recursively; later layers win."""
    for key, value in layer.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value


def _build(cls: Any, data: dict[str, Any], prefix: str) -> Any:
    """Return an instance of the settings dataclass cls from data, validating every key."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(f"unknown setting '{prefix}{unknown[0]}' (known: {', '.join(fields)})")
    instance = cls()
    for name, value in data.items():
        f = fields[name]
        default = getattr(instance, name)
        key = prefix + name
        if key == "boards":
            setattr(instance, name, _boards(value))
        elif dataclasses.is_dataclass(default):
            if not isinstance(value, dict):
                raise ConfigError(f"setting '{key}' must be a section (a mapping of settings)")
            setattr(instance, name, _build(type(default), value, key + "."))
        else:
            setattr(instance, name, _coerce(key, value, type(default), f))
    return instance


def _coerce(key: str, value: Any, kind: type, f: dataclasses.Field[Any]) -> Any:
    """Return value converted to kind, or raise ConfigError naming the key."""
    try:
        if kind is bool:
            return _to_bool(value)
        if kind is list:
            return _to_list(value)
        if kind in (int, float) and isinstance(value, bool):
            raise ValueError
        return kind(value)
    except (TypeError, ValueError):
        wanted = {bool: "true or false", int: "a whole number", float: "a number"}
        what = wanted.get(kind, "a list" if kind is list else "text")
        raise ConfigError(f"setting '{key}' must be {what}, got {value!r}") from None


def _boards(value: Any) -> list[dict[str, Any]]:
    """Return the line boards: a YAML list of mappings (a string, from the environment, is YAML).

    Each board's own keys are checked by its driver when the engine starts it.
    """
    if isinstance(value, str):
        try:
            value = yaml.safe_load(value) or []
        except yaml.YAMLError as exc:
            raise ConfigError(f"setting 'boards' is not valid YAML: {exc}") from None
    if not isinstance(value, list) or not all(isinstance(b, dict) for b in value):
        raise ConfigError(
            f"setting 'boards' must be a list of boards (- name: … type: …), got {value!r}"
        )
    return [dict(b) for b in value]


def _to_bool(value: Any) -> bool:
    """Return a bool from a YAML bool or an environment string."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(value)


def _to_list(value: Any) -> list[str]:
    """Return a list from a YAML list or a comma-separated environment string."""
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    raise ValueError(value)


def _derive(settings: Settings) -> None:
    """Fill in paths derived from paths.var and check ports."""
    p = settings.paths
    var = Path(p.var).absolute()
    p.var = str(var)
    for name, default in (
        ("database", "callbox.db"),
        ("recordings", "recordings"),
        ("prompts", "prompts"),
        ("run", "run"),
        ("backups", "backups"),
        ("kamailio", "kamailio"),
    ):
        setattr(p, name, str(Path(getattr(p, name) or var / default).absolute()))
    hooks = settings.hooks
    hooks.log_file = str(Path(hooks.log_file or var / "log" / "hooks.log").absolute())
    e = settings.engine
    e.control_socket = e.control_socket or str(Path(p.run) / "engine.sock")
    e.public_address = e.public_address or e.listen
    for key, port in (
        ("sip.port", settings.sip.port),
        ("engine.port", e.port),
        ("engine.trunk_port", e.trunk_port),
        ("engine.rtp_port", e.rtp_port),
        ("web.port", settings.web.port),
        ("smtp.port", settings.smtp.port),
    ):
        if not 1 <= port <= 65535:
            raise ConfigError(f"setting '{key}' must be a port between 1 and 65535, got {port}")
    if settings.watchdog.restart_method not in RESTART_METHODS:
        raise ConfigError(
            f"setting 'watchdog.restart_method' must be one of {', '.join(RESTART_METHODS)}, "
            f"got {settings.watchdog.restart_method!r}"
        )
    d = settings.dialing
    if d.alert_window_minutes < 1 or d.alert_volume_factor <= 0:
        raise ConfigError(
            "settings 'dialing.alert_window_minutes' must be at least 1 and "
            f"'dialing.alert_volume_factor' above 0, got {d.alert_window_minutes} and "
            f"{d.alert_volume_factor}"
        )
    _check_positive(settings)
    _check_feature_codes(settings)


def _check_positive(settings: Settings) -> None:
    """Refuse a time that is zero or negative (a park that rings back at once, or never)."""
    pbx = settings.pbx
    for key, value in (
        ("pbx.park_seconds", pbx.park_seconds),
        ("pbx.park_ring_seconds", pbx.park_ring_seconds),
        ("pbx.busy_callback_minutes", pbx.busy_callback_minutes),
        ("provisioning.report_interval_minutes", settings.provisioning.report_interval_minutes),
        ("provisioning.report_timeout_seconds", settings.provisioning.report_timeout_seconds),
    ):
        if value <= 0:
            raise ConfigError(f"setting '{key}' must be more than 0, got {value}")


def _check_feature_codes(settings: Settings) -> None:
    """Refuse feature codes a phone could not dial or the box could not tell apart."""
    from appliance.callflow.features import FeatureCodes  # pure: no engine, web or store

    problems = FeatureCodes.of(settings.features).problems()
    if problems:
        raise ConfigError(f"settings 'features': {problems[0]}")
