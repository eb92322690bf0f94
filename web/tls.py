"""The web's HTTPS certificate: the admin's own (web.tls_cert/tls_key) or a self-signed one.

Outside demo mode the web serves HTTPS only.  On first start a self-signed certificate
is generated with the `openssl` command into <var>/tls/ (key mode 0600), valid for ten
years, for localhost, the loopback addresses, the host name and the listen address;
browsers warn about it until the admin installs their own.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket
import subprocess
from pathlib import Path

from appliance.config import Settings

TLS_FOLDER = "tls"
DAYS = 3650


class CertificateError(Exception):
    """The certificate cannot be made; the message says what to do."""


def certificate_paths(settings: Settings) -> tuple[Path, Path]:
    """Return (certificate, key): the configured ones, else those under <var>/tls/."""
    if settings.web.tls_cert:
        return Path(settings.web.tls_cert), Path(settings.web.tls_key or settings.web.tls_cert)
    folder = Path(settings.paths.var) / TLS_FOLDER
    return folder / "web.crt", folder / "web.key"


def ensure_certificate(settings: Settings) -> tuple[str, str] | None:
    """Return the (certificate, key) to serve HTTPS with, generating them if needed.

    None in demo mode, where the web serves plain HTTP.
    """
    if not settings.web_https:
        return None
    cert, key = certificate_paths(settings)
    if not settings.web.tls_cert and not (cert.exists() and key.exists()):
        generate(cert, key, subject_names(settings.web.listen))
    return str(cert), str(key)


def subject_names(listen: str) -> list[str]:
    """Return the subjectAltName entries: localhost, loopback, host name, listen address."""
    names = ["DNS:localhost", "IP:127.0.0.1", "IP:::1", f"DNS:{socket.gethostname()}"]
    try:
        address = ipaddress.ip_address(listen)
    except ValueError:
        return names
    if not address.is_unspecified and not address.is_loopback:
        names.append(f"IP:{address}")
    return names


def generate(cert: Path, key: Path, names: list[str]) -> None:
    """Write a self-signed EC P-256 certificate and its key; both replace atomically."""
    cert.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    suffix = f".{os.getpid()}.{secrets.token_hex(4)}.tmp"
    tmp_cert, tmp_key = cert.with_name(cert.name + suffix), key.with_name(key.name + suffix)
    command = [
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", str(DAYS), "-subj", "/O=callbox/CN=callbox",
        "-addext", "subjectAltName=" + ",".join(names),
        "-keyout", str(tmp_key), "-out", str(tmp_cert),
    ]  # fmt: skip
    old_umask = os.umask(0o077)  # the key is never readable by others, not even briefly
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=60)
        os.replace(tmp_key, key)
        os.replace(tmp_cert, cert)
    except FileNotFoundError:
        raise CertificateError("openssl is missing: apt-get install openssl") from None
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode(errors="replace").strip()
        raise CertificateError(f"openssl could not make a certificate: {message}") from None
    finally:
        os.umask(old_umask)
        tmp_key.unlink(missing_ok=True)
        tmp_cert.unlink(missing_ok=True)
