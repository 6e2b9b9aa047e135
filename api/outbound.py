"""HTTP requests to URLs that users typed in (webhook endpoints), refusing the machine's
own neighbourhood.

The address is checked when the connection is made, after DNS resolution, and the socket is
connected to the very address that was checked: a name that resolves to a public address
when the endpoint is saved and to 127.0.0.1 when a delivery leaves (DNS rebinding) is still
refused. Loopback, private, link-local (the cloud metadata service at 169.254.169.254),
shared, reserved and multicast addresses are refused unless PARLEY_WEBHOOKS_ALLOW_PRIVATE
is on (a development machine or a test). No proxy from the environment, no redirects, a
short timeout, and only the first KB of the answer is read.
"""

import ipaddress
import socket

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

TIMEOUT_SECONDS = 5
BODY_LIMIT = 1024


class RefusedAddress(Exception):
    """The URL's host resolves to an address Parley does not send to. Not an OSError, so
    urllib3 does not take it for a network failure to wrap or retry."""


def address_allowed(address: str) -> bool:
    if settings.PARLEY_WEBHOOKS_ALLOW_PRIVATE:
        return True
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _connect_checked(host: str, port: int, timeout, source_address=None) -> socket.socket:
    """Resolve `host`, refuse any address out of bounds, connect to one that is allowed."""
    last_error: OSError | None = None
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    for *_, sockaddr in infos:
        if not address_allowed(sockaddr[0]):
            raise RefusedAddress(f"{host} resolves to {sockaddr[0]}, which is not public.")
    for family, kind, proto, _name, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not None:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as error:
            last_error = error
            sock.close()
    raise last_error or OSError(f"cannot connect to {host}")


class _CheckedConnection:
    """urllib3's connection with its socket made by `_connect_checked` (errors mapped as
    urllib3's own `_new_conn` maps them)."""

    def _new_conn(self):
        try:
            sock = _connect_checked(self._dns_host, self.port, self.timeout, self.source_address)
        except socket.gaierror as error:
            raise NameResolutionError(self.host, self, error) from error
        except TimeoutError as error:
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from error
        except OSError as error:
            raise NewConnectionError(self, f"Failed to connect: {error}") from error
        for option in self.socket_options or ():
            sock.setsockopt(*option)
        return sock


class CheckedHTTPConnection(_CheckedConnection, HTTPConnection):
    pass


class CheckedHTTPSConnection(_CheckedConnection, HTTPSConnection):
    pass


class CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = CheckedHTTPConnection


class CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = CheckedHTTPSConnection


class CheckedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": CheckedHTTPPool,
            "https": CheckedHTTPSPool,
        }


def checked_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy or netrc from the environment
    adapter = CheckedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def post_json(url: str, body: bytes, headers: dict) -> tuple[int, str]:
    """POST `body` to `url`; (status, the first KB of the answer). Raises RefusedAddress or
    a requests error."""
    with checked_session() as session:
        response = session.post(
            url,
            data=body,
            headers={"Content-Type": "application/json", **headers},
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
            stream=True,
        )
        try:
            head = response.raw.read(BODY_LIMIT, decode_content=True) or b""
        finally:
            response.close()
    return response.status_code, head.decode("utf-8", errors="replace")
