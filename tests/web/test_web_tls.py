"""The web's HTTPS certificate: self-signed on first start, kept after, none on a demo box."""

from __future__ import annotations

import ssl
import stat
import subprocess
from pathlib import Path

from appliance import config
from web.tls import certificate_paths, ensure_certificate


def test_a_self_signed_certificate_is_made_once_with_a_private_key(
    settings: config.Settings,
) -> None:
    made = ensure_certificate(settings)
    cert, key = certificate_paths(settings)
    assert made == (str(cert), str(key))
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    text = subprocess.run(
        ["openssl", "x509", "-in", str(cert), "-noout", "-text"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert "DNS:localhost" in text and "IP Address:127.0.0.1" in text
    context = ssl.create_default_context()
    context.load_cert_chain(str(cert), str(key))  # the key belongs to the certificate
    first = cert.read_bytes()
    ensure_certificate(settings)
    assert cert.read_bytes() == first  # not regenerated on the next start
    assert not list(cert.parent.glob("*.tmp"))


def test_the_admins_own_certificate_is_used_as_given(
    settings: config.Settings, tmp_path: Path
) -> None:
    settings.web.tls_cert = str(tmp_path / "own.pem")
    settings.web.tls_key = str(tmp_path / "own.key")
    assert ensure_certificate(settings) == (settings.web.tls_cert, settings.web.tls_key)
    assert not (Path(settings.paths.var) / "tls").exists()


def test_a_demo_box_serves_plain_http(settings: config.Settings) -> None:
    settings.demo = True
    assert ensure_certificate(settings) is None
    assert not (Path(settings.paths.var) / "tls").exists()
