"""The server's TLS certificate: the admin's own, or a self-signed one made on first run.

The self-signed certificate and its key live in the server's data directory (the key readable
by its owner only). Counters trust it by pinning: its SHA-256 fingerprint (`--fingerprint`) or
a copy of the certificate (`--ca`). It names this machine's host names and addresses, so a
counter reaching the server by another name needs the admin's own certificate (or --cert-name
on the first run).
"""

import ipaddress
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CERT_FILE, KEY_FILE = "server.crt", "server.key"
VALID_FOR = timedelta(days=3650)  # pinned by fingerprint: renewal would break every counter


@dataclass(frozen=True)
class ServerCertificate:
    cert: Path
    key: Path
    fingerprint: str  # SHA-256 of the DER certificate, "AB:CD:..."
    generated: bool  # made just now


def fingerprint_of(cert_path: Path) -> str:
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return format_fingerprint(cert.fingerprint(hashes.SHA256()))


def format_fingerprint(digest: bytes) -> str:
    return ":".join(f"{byte:02X}" for byte in digest)


def names_in(cert_path: Path) -> set[str]:
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    try:
        alternative = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set()
    dns = alternative.get_values_for_type(x509.DNSName)
    addresses = alternative.get_values_for_type(x509.IPAddress)
    return {*dns, *(str(address) for address in addresses)}


def machine_names(listen_host: str, extra: Iterable[str] = ()) -> list[str]:
    """What counters may call this server: localhost, this machine's names and addresses, the
    address it listens on when that is a specific one, and the admin's extra names."""
    names = ["localhost", "127.0.0.1", "::1", socket.gethostname(), socket.getfqdn()]
    if listen_host not in ("0.0.0.0", "::", ""):
        names.append(listen_host)
    try:
        for *_, address in socket.getaddrinfo(socket.gethostname(), None):
            names.append(str(address[0]))
    except OSError:
        pass  # no resolvable host name: the names above are still right
    names.append(_outbound_address())
    names.extend(extra)
    return list(dict.fromkeys(name.split("%")[0] for name in names if name))


def _outbound_address() -> str:
    """The address other machines most likely reach this one by (a UDP "connect" sends
    nothing; it only picks the route)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never actually contacted
            return str(probe.getsockname()[0])
    except OSError:
        return ""  # no route at all: localhost is still named


def ensure_certificate(folder: Path, names: list[str]) -> ServerCertificate:
    """The certificate in `folder`, generated (with its key) the first time."""
    cert_path, key_path = folder / CERT_FILE, folder / KEY_FILE
    generated = False
    if not (cert_path.exists() and key_path.exists()):
        _generate(folder, cert_path, key_path, names)
        generated = True
    return ServerCertificate(cert_path, key_path, fingerprint_of(cert_path), generated)


def _generate(folder: Path, cert_path: Path, key_path: Path, names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tilldesk central server")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + VALID_FOR)
        .add_extension(x509.SubjectAlternativeName(_general_names(names)), critical=False)
        # Its own trust anchor, so `--ca server.crt` works with any TLS library.
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key_path.unlink(missing_ok=True)
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(key_pem)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _general_names(names: list[str]) -> list[x509.GeneralName]:
    general: list[x509.GeneralName] = []
    for name in names:
        try:
            general.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            general.append(x509.DNSName(name))
    return general
