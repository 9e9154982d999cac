"""Where steps may send data: the network policy, checked on the address actually connected to.

Experiments are shared files; a webhook (or a language-model endpoint) in an
imported experiment could otherwise reach the user's router, a database on
localhost or the cloud metadata service (server-side request forgery). The
app setting ``network.policy`` (core/settings.py ``NetworkSettings``) says:

- ``any`` (default): no restriction.
- ``public-only``: only publicly routable addresses. Refused: loopback,
  private and special-purpose networks, link-local, carrier-grade NAT
  (100.64/10), cloud metadata (169.254.169.254, fd00:ec2::254, ...),
  unspecified, multicast, reserved, and IPv4 hidden in IPv6 (IPv4-mapped,
  IPv4-compatible, 6to4, NAT64) when the hidden address is refused.
- ``allow-list``: only the hosts in ``network.allow``: ``example.com``,
  ``*.example.com`` (subdomains), ``example.com:8443``, an IP address, or a
  network such as ``10.0.0.0/8`` (matched against the connected address).
  Under ``public-only`` the same entries are exceptions, so a local model
  server (``127.0.0.1:11434``) can be allowed while the rest stays refused.

The check that counts happens when a connection is opened:
:func:`checked_transport` gives an httpx transport whose network backend
resolves the name once, classifies every address, and connects to the
checked IP itself, so a name that resolves to a public address for the check
and to 127.0.0.1 for the connection (DNS rebinding) cannot slip through; the
Host header and TLS SNI/certificate check still use the name from the URL.
Numeric spellings the OS accepts (``2130706433``, ``0x7f000001``, ``127.1``,
``0177.0.0.1``) resolve to what they mean and are classified as such. Every
redirect hop opens its connection through the same transport, and
:func:`request_hook` re-checks each hop's URL before it is sent.

For other code that sends data (the language-model client):
``client = httpx.AsyncClient(transport=checked_transport(settings.network))``
plus ``check_url(url, settings.network)`` up front for a clear early error.
A refusal raises :class:`NetworkRefused` (a ``StepError``): it is never
retried and fails the step whatever ``failOnError`` says.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any

import httpcore
import httpx

from orchestrator_gui.core.errors import StepError
from orchestrator_gui.core.settings import NetworkSettings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254",
))
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_COMPAT = ipaddress.ip_network("::/96")
# The numeric spellings inet_aton (and so getaddrinfo) accepts: 1 to 4 parts, decimal/octal/hex.
_INET_ATON = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}", re.I)


class NetworkRefused(StepError):
    """The network policy refused a destination; the message names host, address and rule."""


def parse_ip(host: str) -> IPAddress | None:
    """The address a host written as a number means (any spelling the OS accepts), else None."""
    text = host.strip().strip("[]")
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        pass
    if _INET_ATON.fullmatch(text):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


def refusal_reason(address: IPAddress | str) -> str | None:
    """Why ``public-only`` refuses ``address`` (e.g. ``"loopback"``), or None when it is public."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        embedded, form = _embedded_ipv4(ip)
        if embedded is not None:
            inner = refusal_reason(embedded)
            if inner is not None:
                return f"{inner} ({form} form of {embedded})"
            if form == "IPv4-compatible":
                return f"deprecated IPv4-compatible IPv6 address (of {embedded})"
            return None
        if ip in _NAT64_LOCAL:
            return "local-use NAT64"
    if ip in METADATA_ADDRESSES:
        return "cloud metadata service"
    if ip.is_unspecified:
        return "unspecified address"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.version == 4 and ip in _CGNAT:
        return "carrier-grade NAT (shared address space)"
    if ip.is_multicast:
        return "multicast"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private or special-purpose network"
    if not ip.is_global:
        return "not publicly routable"
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address | None, str]:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped, "IPv4-mapped IPv6"
    if ip.sixtofour is not None:
        return ip.sixtofour, "6to4"
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _NAT64:
        return low32, "NAT64"
    if ip in _COMPAT and int(ip) > 1:  # ::1 and :: are themselves, not IPv4
        return low32, "IPv4-compatible"
    return None, ""


def _allowed_by_list(host: str, port: int | None, ips: Iterable[IPAddress],
                     allow: Iterable[str]) -> bool:
    host = host.lower().rstrip(".")
    ips = list(ips)
    for entry in allow:
        name, entry_port = _split_entry(entry.strip().lower())
        if entry_port is not None and entry_port != port:
            continue
        try:
            net = ipaddress.ip_network(name.strip("[]"), strict=False)
        except ValueError:
            if name == host or (name.startswith("*.") and host.endswith(name[1:])):
                return True
            continue
        literal = parse_ip(host)
        if any(ip in net for ip in [*ips, *([literal] if literal else [])]):
            return True
    return False


def _split_entry(entry: str) -> tuple[str, int | None]:
    if entry.startswith("[") and "]:" in entry:
        name, _, port = entry[1:].partition("]:")
        return name, int(port) if port.isdigit() else None
    if entry.count(":") == 1 and "/" not in entry:
        name, _, port = entry.partition(":")
        return name, int(port) if port.isdigit() else None
    return entry, None


def _refuse(what: str, network: NetworkSettings) -> NetworkRefused:
    hint = ("; add the host to network.allow in the app's settings" if network.policy == "allow-list"
            else "; change network.policy in the app's settings if this is intended")
    return NetworkRefused(f"the network policy ({network.policy}) refuses {what}{hint}")


def check_url(url: str | httpx.URL, network: NetworkSettings) -> None:
    """Refuse ``url`` early when the policy already can from the URL alone (no DNS lookup).

    Catches non-HTTP schemes, hosts missing from an allow-list and numeric
    hosts in any spelling. Names are checked again, resolved, at connect time.
    """
    parsed = httpx.URL(url) if isinstance(url, str) else url
    if network.policy == "any":
        return
    if parsed.scheme not in ("http", "https"):
        raise _refuse(f"the scheme {parsed.scheme!r} (only http and https)", network)
    host = parsed.raw_host.decode("ascii", "replace")
    literal = parse_ip(host)
    listed = _allowed_by_list(host, parsed.port or _default_port(parsed), [], network.allow)
    if network.policy == "allow-list":
        # a name may still match an address entry once resolved: decided when connecting
        if not listed and (literal is not None or not _has_address_entry(network.allow)):
            raise _refuse(f"{host!r}: it is not in the allow-list", network)
    elif not listed and literal is not None and (reason := refusal_reason(literal)) is not None:
        raise _refuse(f"{host!r} ({literal}): {reason}", network)


def _has_address_entry(allow: Iterable[str]) -> bool:
    return any(parse_ip(_split_entry(e.strip())[0]) is not None or "/" in e for e in allow)


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80


Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolve(host: str, port: int) -> list[str]:
    """The addresses the OS resolver gives for ``host`` (what a plain connect would use)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise httpcore.ConnectError(f"cannot resolve {host!r}: {exc.strerror}") from None
    return [str(info[4][0]) for info in infos]


async def allowed_addresses(host: str, port: int, network: NetworkSettings,
                            resolver: Resolver = system_resolve) -> list[str]:
    """Resolve ``host`` once and return the addresses the policy lets us connect to.

    Any refused address refuses the host as a whole: a name answering with both
    a public and a private address is treated as hostile.
    """
    ips: list[IPAddress] = []
    for text in await resolver(host, port):
        ip = ipaddress.ip_address(text.split("%", 1)[0])
        if ip not in ips:
            ips.append(ip)
    listed = _allowed_by_list(host, port, ips, network.allow)
    if network.policy == "allow-list":
        if not listed:
            shown = ", ".join(map(str, ips))
            raise _refuse(f"{host!r} ({shown}): it is not in the allow-list", network)
    elif network.policy == "public-only" and not listed:
        for ip in ips:
            if (reason := refusal_reason(ip)) is not None:
                named = host if str(ip) == host else f"{host!r}, which resolves to {ip}"
                raise _refuse(f"{named}: {reason}", network)
    return [str(ip) for ip in ips]


class _PolicyBackend(httpcore.AsyncNetworkBackend):
    """Resolves, checks, then connects to the checked IP (never resolving the name again)."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend, network: NetworkSettings,
                 resolver: Resolver) -> None:
        self.inner, self.network, self.resolver = inner, network, resolver

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,  # noqa: ASYNC109
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await allowed_addresses(host, port, self.network, self.resolver)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host!r} took too long") from None
        last: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(address, port, timeout=timeout,
                                                    local_address=local_address,
                                                    socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        raise last or httpcore.ConnectError(f"{host!r} has no address")

    async def connect_unix_socket(self, path: str, timeout: float | None = None,  # noqa: ASYNC109
                                  socket_options: Iterable[Any] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        raise _refuse(f"the unix socket {path!r}", self.network)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def checked_transport(network: NetworkSettings, *, resolver: Resolver = system_resolve,
                      **kwargs: Any) -> httpx.AsyncBaseTransport | None:
    """An httpx transport enforcing ``network`` on every connection; None under ``any``.

    ``resolver`` (host, port) -> addresses is the OS resolver unless a caller
    (a test) brings its own. ``kwargs`` go to ``httpx.AsyncHTTPTransport``. Proxies
    from the environment are not used under a restricting policy: the check
    must see the real destination.
    """
    if network.policy == "any":
        return None
    transport = httpx.AsyncHTTPTransport(**kwargs)
    pool = getattr(transport, "_pool", None)
    if not isinstance(pool, httpcore.AsyncConnectionPool) or not hasattr(pool, "_network_backend"):
        raise RuntimeError("this httpx/httpcore version is not supported by the network policy")
    pool._network_backend = _PolicyBackend(pool._network_backend, network, resolver)
    return transport


def request_hook(network: NetworkSettings, origin: str,
                 sensitive_headers: Iterable[str] = ()) -> Callable[[httpx.Request], Awaitable[None]]:
    """An httpx ``event_hooks["request"]`` hook: checks every hop; on a hop to another
    origin, drops ``sensitive_headers`` (httpx itself drops only Authorization)."""
    first = httpx.URL(origin)
    names = [name.lower() for name in sensitive_headers]

    async def hook(request: httpx.Request) -> None:
        check_url(request.url, network)
        url = request.url
        if (url.scheme, url.host, url.port) != (first.scheme, first.host, first.port):
            for name in names:
                if name in request.headers:
                    del request.headers[name]

    return hook


_ENDPOINT_KEYS = ("endpoint", "agentType")


def hosts_contacted(experiment: Any, settings: Any = None) -> list[str]:
    """The hosts the experiment's steps will send data to, sorted: ``host`` or ``host:port``.

    For the "this experiment will send data to ..." confirmations (core/trust.py).
    ``settings`` is an ``AppSettings`` (default: none, so endpoints by name are
    not resolved).
    """
    endpoints = getattr(settings, "endpoints", None) or {}
    found: set[str] = set()
    for step in experiment.steps:
        found.update(step_hosts(step.config if isinstance(step.config, dict) else {}, endpoints))
    return sorted(found)


def names_endpoint(config: dict[str, Any]) -> bool:
    """Whether ``config`` names a model endpoint (configured or not) by ``endpoint``/``agentType``."""
    return any(isinstance(config.get(key), str) and config.get(key) for key in _ENDPOINT_KEYS)


def step_hosts(config: dict[str, Any], endpoints: Any) -> list[str]:
    """The hosts one step's config sends to, sorted.

    Any string in the config (at any depth) that is a whole http(s) URL counts,
    not only a webhook's ``url``: a plugin step may send to a URL under any
    key, and listing a URL that is only compared with is the safe mistake.
    An ``endpoint`` (or ``agentType``) naming one of the user's model
    endpoints adds that endpoint's host.
    """
    urls = list(_strings(config))
    for key in _ENDPOINT_KEYS:
        name = config.get(key)
        if isinstance(name, str) and name in endpoints:
            urls.append(endpoints[name].base_url)
    return sorted({host for url in urls if (host := _host_of(url))})


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if value[:8].lower().startswith(("http://", "https://")):
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _host_of(url: str) -> str | None:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return None
    host = parsed.host if ":" not in parsed.host else f"[{parsed.host}]"
    return host if parsed.port is None else f"{host}:{parsed.port}"
