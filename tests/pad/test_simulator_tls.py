"""The simulator's --tls against a real mosquitto with TLS and password logins on a loopback port.

Each test makes a throwaway CA and a server certificate for 127.0.0.1 and localhost (with the
`cryptography` package Home Assistant already needs), a password file with `mosquitto_passwd`,
and starts mosquitto as `broker.py` does; it skips with a reason when mosquitto or
mosquitto_passwd is not installed (`scripts/ensure-services` installs them).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import io
import ipaddress
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from custom_components.retro_balance.engine.wire import protocol
from pad_simulator.cli import main

from .broker import Listener, start_broker

x509 = pytest.importorskip("cryptography.x509")
hashes = pytest.importorskip("cryptography.hazmat.primitives.hashes")
serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")
ec = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ec")

pytestmark = pytest.mark.mosquitto

USER, PASSWORD = "pad-hall", "correct horse battery staple"


@dataclass(frozen=True)
class TlsBroker:
    port: int
    ca_file: Path
    other_ca_file: Path
    """A CA that did not sign the broker's certificate."""


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, common_name)])


LOOPBACK = ("localhost", "127.0.0.1")


def _certificate(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[str, ec.EllipticCurvePrivateKey] | None = None,
    hosts: tuple[str, ...] = LOOPBACK,
) -> x509.Certificate:
    """A self-signed CA certificate, or (with `issuer`) a server certificate naming `hosts`."""
    now = dt.datetime.now(dt.UTC)
    issuer_name, signing_key = issuer if issuer is not None else (subject, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
    )
    if issuer is not None:
        names = [
            x509.IPAddress(ipaddress.ip_address(host)) if host[0].isdigit() else x509.DNSName(host)
            for host in hosts
        ]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def _write(path: Path, *blobs: bytes) -> Path:
    path.write_bytes(b"".join(blobs))
    return path


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class TlsFiles:
    ca_file: Path
    other_ca_file: Path
    cert_file: Path
    key_file: Path


def tls_files(directory: Path, hosts: tuple[str, ...] = LOOPBACK) -> TlsFiles:
    """A throwaway CA, a server certificate it signed for `hosts`, and an unrelated CA."""
    ca_key, other_key, server_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = _certificate("retro_balance test CA", ca_key)
    server = _certificate(
        "mqtt.test", server_key, issuer=("retro_balance test CA", ca_key), hosts=hosts
    )
    return TlsFiles(
        ca_file=_write(directory / "ca.crt", _pem(ca)),
        other_ca_file=_write(
            directory / "other-ca.crt", _pem(_certificate("someone else", other_key))
        ),
        cert_file=_write(directory / "server.crt", _pem(server)),
        key_file=_write(directory / "server.key", _pem_key(server_key)),
    )


def password_file(directory: Path, users: dict[str, str]) -> Path:
    """A mosquitto password file for `users` (name: password), made by mosquitto_passwd."""
    passwd_tool = shutil.which("mosquitto_passwd")
    if passwd_tool is None:
        pytest.skip("mosquitto_passwd is not installed (scripts/ensure-services installs it)")
    path = directory / "passwd"
    path.touch()
    for user, password in users.items():
        subprocess.run([passwd_tool, "-b", str(path), user, password], check=True)
    return path


def tls_settings(files: TlsFiles, passwords: Path) -> str:
    """Listener lines for TLS with password logins."""
    return (
        f"cafile {files.ca_file}\ncertfile {files.cert_file}\nkeyfile {files.key_file}\n"
        f"password_file {passwords}\n"
        # mosquitto started as root drops to the user 'mosquitto', who cannot read tmp_path.
        f"user {getpass.getuser()}\n"
    )


@pytest.fixture
def tls_broker(socket_enabled: None, tmp_path: Path) -> Iterator[TlsBroker]:
    files = tls_files(tmp_path)
    passwords = password_file(tmp_path, {USER: PASSWORD})
    broker, port = start_broker(tmp_path, anonymous=False, settings=tls_settings(files, passwords))
    yield TlsBroker(port, files.ca_file, files.other_ca_file)
    broker.terminate()
    broker.wait(timeout=10)


def simulate(broker: TlsBroker, *options: str) -> tuple[int, str, str]:
    """Run the simulator (a short idle scenario) against the TLS broker: status, out, err."""
    out, err = io.StringIO(), io.StringIO()
    argv = [
        "--host", "127.0.0.1", "--port", str(broker.port), "--tls", "--username", USER,
        "--scenario", "idle", "--duration", "2", "--speed", "0", "--max-retries", "0", *options,
    ]  # fmt: skip
    with contextlib.redirect_stderr(err):
        status = main(argv, out=out)
    return status, out.getvalue(), err.getvalue()


def test_publishes_over_tls_with_a_password(tls_broker: TlsBroker) -> None:
    listener = Listener(tls_broker.port, ca_file=tls_broker.ca_file, login=(USER, PASSWORD))
    try:
        status, out, err = simulate(
            tls_broker, "--ca-file", str(tls_broker.ca_file), "--password", PASSWORD
        )
        assert status == 0, err
        listener.wait_for(lambda item: item.payload == b"offline")
        received = listener.snapshot()
    finally:
        listener.close()
    assert "connected; published online and info" in out
    frames = [item.payload for item in received if item.topic == "retro_balance/pad1/frames"]
    assert len(frames) >= 2
    assert protocol.parse_frame(frames[0]).seq == 0
    info = next(item.payload for item in received if item.topic == "retro_balance/pad1/info")
    assert protocol.parse_info(info).rate_hz == 80.0


def test_a_host_name_in_the_certificate_is_accepted(tls_broker: TlsBroker) -> None:
    status, _, err = simulate(
        tls_broker, "--ca-file", str(tls_broker.ca_file), "--password", PASSWORD,
        "--host", "localhost",
    )  # fmt: skip
    assert status == 0, err


def test_a_certificate_for_another_host_is_refused_unless_tls_insecure(
    socket_enabled: None, tmp_path: Path
) -> None:
    files = tls_files(tmp_path, hosts=("mqtt.elsewhere.example",))
    passwords = password_file(tmp_path, {USER: PASSWORD})
    broker, port = start_broker(tmp_path, anonymous=False, settings=tls_settings(files, passwords))
    try:
        elsewhere = TlsBroker(port, files.ca_file, files.other_ca_file)
        options = ("--ca-file", str(files.ca_file), "--password", PASSWORD)
        status, _, err = simulate(elsewhere, *options)
        assert status == 2
        assert "not trusted: IP address mismatch, certificate is not valid for '127.0.0.1'. " in err
        status, _, err = simulate(elsewhere, *options, "--tls-insecure")
        assert status == 0, err
    finally:
        broker.terminate()
        broker.wait(timeout=10)


def test_wrong_password_is_refused_with_a_clear_message(tls_broker: TlsBroker) -> None:
    status, out, err = simulate(
        tls_broker, "--ca-file", str(tls_broker.ca_file), "--password", "wrong"
    )
    assert status == 2
    assert f"the MQTT broker at 127.0.0.1:{tls_broker.port} refused the connection" in err
    assert "check --username/--password" in err
    assert "published online" not in out


def test_a_certificate_from_another_ca_is_refused(tls_broker: TlsBroker) -> None:
    status, out, err = simulate(
        tls_broker, "--ca-file", str(tls_broker.other_ca_file), "--password", PASSWORD
    )
    assert status == 2
    assert "certificate" in err
    assert "--ca-file" in err
    assert "published online" not in out


@pytest.mark.parametrize("content", [None, b"not a certificate\n"], ids=["missing", "not-pem"])
def test_an_unusable_ca_file_is_a_bad_option(
    tmp_path: Path, content: bytes | None, capsys: pytest.CaptureFixture[str]
) -> None:
    ca_file = tmp_path / "ca.crt"
    if content is not None:
        ca_file.write_bytes(content)
    status = main(["--tls", "--ca-file", str(ca_file), "--scenario", "idle"], out=io.StringIO())
    assert status == 1
    assert f"simulate-pad: --ca-file {ca_file}: " in capsys.readouterr().err
