"""A loopback listener that shows where an HTTPS request really goes and what it carries.

It is an HTTPS proxy (``HTTPS_PROXY=listener.url``): requests and urllib3 send it
``CONNECT host:port`` for the host *they* parsed out of the URL, then speak TLS through the
tunnel. The listener terminates that TLS with a certificate for ``localhost`` (trusted by the
client through ``REQUESTS_CA_BUNDLE``), records the request line and headers (an
``Authorization`` header included) and answers 401. So a test sees the host the library
connected to, and any credential it sent there, without binding port 443.
"""

from __future__ import annotations

import datetime
import socketserver
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class Seen:
    connect: str
    """The CONNECT target, ``host:port``, as the client's HTTP library chose it."""
    request_line: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def self_signed(directory: Path, host: str = "localhost") -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "listener.pem", directory / "listener.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


class TlsListener:
    def __init__(self, directory: Path) -> None:
        self.cert, key = self_signed(directory)
        self.seen: list[Seen] = []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        listener = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                head = _read_head(self.rfile)
                if not head:
                    return
                seen = Seen(connect=head[0].split(" ")[1] if head[0].startswith("CONNECT ") else head[0])
                listener.seen.append(seen)
                self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self.wfile.flush()
                try:
                    tls = context.wrap_socket(self.connection, server_side=True)
                except (ssl.SSLError, OSError):
                    return
                with tls, tls.makefile("rb") as reader:
                    request = _read_head(reader)
                    if request:
                        seen.request_line = request[0]
                        seen.headers = dict(line.split(": ", 1) for line in request[1:] if ": " in line)
                    tls.sendall(
                        b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    )

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def environment(self) -> dict[str, str]:
        """The environment in which requests goes through this listener and trusts it. Loopback
        addresses bypass it (the tests' own gRPC and the Genesys double), ``localhost`` does not."""
        bypass = "127.0.0.1,127.0.0.2"
        return {
            "HTTPS_PROXY": self.url,
            "https_proxy": self.url,
            "NO_PROXY": bypass,
            "no_proxy": bypass,
            "REQUESTS_CA_BUNDLE": str(self.cert),
        }

    def __enter__(self) -> TlsListener:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._server.shutdown()
        self._server.server_close()


def _read_head(reader: Any) -> list[str]:
    lines: list[str] = []
    while True:
        line = reader.readline(65536)
        if not line or line in (b"\r\n", b"\n"):
            return lines
        lines.append(line.decode("latin-1").rstrip("\r\n"))
