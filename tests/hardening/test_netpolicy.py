"""The network policy: what ``public-only`` and the allow-list refuse, checked where it counts.

Addresses that would leave the machine are only classified, never connected
to; every real request goes to a server on 127.0.0.1 (tests/httpserver.py).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from orchestrator_gui.core import netpolicy
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.engine import Engine, run_experiment
from orchestrator_gui.core.netpolicy import NetworkRefused, check_url, parse_ip, refusal_reason
from orchestrator_gui.core.result import RunResult
from orchestrator_gui.core.settings import AppSettings, EndpointSettings, NetworkSettings
from tests.core.test_step_webhook import document, registry
from tests.httpserver import Reply, ScriptedServer, http_server

__all__ = ["http_server"]

PUBLIC_ONLY = NetworkSettings(policy="public-only")

REFUSED = {
    "127.0.0.1": "loopback",
    "127.255.0.9": "loopback",
    "10.0.0.1": "private",
    "172.16.5.4": "private",
    "192.168.1.1": "private",
    "169.254.169.254": "cloud metadata service",
    "169.254.1.1": "link-local",
    "100.64.0.1": "carrier-grade NAT",
    "0.0.0.0": "unspecified",
    "224.0.0.1": "multicast",
    "240.0.0.1": "reserved",
    "255.255.255.255": "reserved",
    "::1": "loopback",
    "::": "unspecified",
    "fe80::1": "link-local",
    "fc00::1": "private",
    "fd00:ec2::254": "cloud metadata service",
    "ff02::1": "multicast",
    "::ffff:127.0.0.1": "loopback (IPv4-mapped IPv6 form of 127.0.0.1)",
    "::ffff:169.254.169.254": "cloud metadata service (IPv4-mapped IPv6 form",
    "::ffff:10.1.2.3": "private or special-purpose network (IPv4-mapped",
    "::127.0.0.1": "loopback (IPv4-compatible form of 127.0.0.1)",
    "2002:7f00:1::1": "loopback (6to4 form of 127.0.0.1)",
    "2002:a9fe:a9fe::": "cloud metadata service (6to4 form of 169.254.169.254)",
    "64:ff9b::a00:1": "private or special-purpose network (NAT64 form of 10.0.0.1)",
    "64:ff9b:1::1": "local-use NAT64",
}


@pytest.mark.parametrize("address", list(REFUSED))
def test_public_only_refuses(address: str) -> None:
    reason = refusal_reason(address)
    assert reason is not None and reason.startswith(REFUSED[address])


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "93.184.216.34",
                                     "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal_reason(address) is None


@pytest.mark.parametrize(("spelling", "means"), [
    ("2130706433", "127.0.0.1"),      # decimal
    ("0x7f000001", "127.0.0.1"),      # hex
    ("127.1", "127.0.0.1"),           # short form
    ("0177.0.0.1", "127.0.0.1"),      # octal
    ("017700000001", "127.0.0.1"),    # octal, one part
    ("0x7f.1", "127.0.0.1"),          # mixed
    ("0xa9fea9fe", "169.254.169.254"),
    ("[::1]", "::1"),
    ("[::ffff:7f00:1]", "::ffff:127.0.0.1"),
])
def test_numeric_spellings_mean_what_the_os_makes_of_them(spelling: str, means: str) -> None:
    assert parse_ip(spelling) == ipaddress.ip_address(means)
    assert refusal_reason(means) is not None


def test_names_are_not_addresses() -> None:
    assert parse_ip("example.com") is None
    assert parse_ip("127.0.0.1.nip.io") is None


@pytest.mark.parametrize("url", ["http://2130706433/", "http://0x7f000001:8080/x",
                                 "http://127.1/", "http://[::1]/", "http://169.254.169.254/latest",
                                 "http://[::ffff:a9fe:a9fe]/", "http://0.0.0.0:80/"])
def test_check_url_refuses_numeric_hosts_without_dns(url: str) -> None:
    with pytest.raises(NetworkRefused, match=r"network policy \(public-only\) refuses"):
        check_url(url, PUBLIC_ONLY)
    check_url(url, NetworkSettings())  # `any` lets everything through


def test_check_url_leaves_names_to_the_connection_check() -> None:
    check_url("https://hooks.example.com/x", PUBLIC_ONLY)  # resolved and checked when connecting


async def call(url: str, network: NetworkSettings, **config: Any) -> RunResult:
    settings = AppSettings(network=network)
    engine = Engine(registry=registry(), settings=settings)
    return await run_experiment(document({"url": url, "retries": 0, **config}), {"a": 1},
                                engine=engine)


def refused(result: RunResult) -> str:
    step = result.steps[0]
    assert result.status == "error" and step.error is not None, step.error
    assert step.error["type"] == "NetworkRefused"
    return str(step.error["message"])


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433", "0x7f000001", "127.1"])
async def test_public_only_webhook_never_reaches_a_local_server(
    http_server: ScriptedServer, host: str
) -> None:
    url = f"http://{host}:{http_server.port}/hook"
    message = refused(await call(url, PUBLIC_ONLY, failOnError=False))
    assert "loopback" in message
    if host == "localhost":
        assert "resolves to 127.0.0.1" in message
    assert http_server.requests == []
    # the same call under the default policy arrives: the policy is what refused it
    assert (await call(url, NetworkSettings())).status == "success"
    assert len(http_server.requests) == 1


async def test_allow_list(http_server: ScriptedServer) -> None:
    port = http_server.port
    listed = NetworkSettings(policy="allow-list", allow=[f"127.0.0.1:{port}"])
    assert (await call(http_server.url(), listed)).status == "success"
    # an address entry matches the address connected to, whatever name led there
    assert (await call(f"http://localhost:{port}/", listed)).status == "success"
    other_port = NetworkSettings(policy="allow-list", allow=[f"127.0.0.1:{port + 1}"])
    assert "not in the allow-list" in refused(await call(http_server.url(), other_port))
    by_name = NetworkSettings(policy="allow-list", allow=["localhost", "*.example.com"])
    assert (await call(f"http://localhost:{port}/", by_name)).status == "success"
    assert "not in the allow-list" in refused(await call(http_server.url(), by_name))
    by_net = NetworkSettings(policy="allow-list", allow=["127.0.0.0/8"])
    assert (await call(f"http://localhost:{port}/", by_net)).status == "success"
    empty = NetworkSettings(policy="allow-list")
    assert "add the host to network.allow" in refused(await call(http_server.url(), empty))
    assert len(http_server.requests) == 4


@pytest.fixture
def second_server() -> Iterator[ScriptedServer]:
    server = ScriptedServer().start()
    try:
        yield server
    finally:
        server.stop()


async def test_redirects_are_followed_only_when_asked(
    http_server: ScriptedServer, second_server: ScriptedServer
) -> None:
    http_server.script(Reply(307, headers={"Location": second_server.url("/next")}))
    result = await call(http_server.url(), NetworkSettings(), followRedirects=True)
    assert result.status == "success"
    assert [r.path for r in second_server.requests] == ["/next"]


@pytest.mark.parametrize("target", ["localhost", "127.0.0.1", "2130706433", "[::ffff:127.0.0.1]"])
async def test_a_redirect_hop_to_a_refused_address_is_refused(
    http_server: ScriptedServer, second_server: ScriptedServer, target: str
) -> None:
    # public-only, with the first server allowed as an exception (a local service)
    network = NetworkSettings(policy="public-only", allow=[f"127.0.0.1:{http_server.port}"])
    http_server.script(Reply(302, headers={"Location": f"http://{target}:{second_server.port}/"}))
    message = refused(await call(http_server.url(), network, followRedirects=True))
    assert "loopback" in message
    assert len(http_server.requests) == 1 and second_server.requests == []


async def test_secret_headers_do_not_follow_a_redirect_to_another_origin(
    http_server: ScriptedServer, second_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_TOKEN", "tok-3f9a")
    http_server.script(Reply(302, headers={"Location": second_server.url("/next")}))
    headers = {"X-Api-Key": "${env:HOOK_TOKEN}", "Authorization": "Bearer x", "X-Plain": "1"}
    result = await call(http_server.url(), NetworkSettings(), followRedirects=True,
                        headers=headers)
    assert result.status == "success"
    assert http_server.requests[0].headers["x-api-key"] == "tok-3f9a"
    hop = second_server.requests[0].headers
    assert "x-api-key" not in hop and "authorization" not in hop and hop["x-plain"] == "1"


async def test_the_checked_address_is_the_one_connected_to(http_server: ScriptedServer) -> None:
    """DNS rebinding: a second lookup would answer differently; there is none."""
    answers = [["127.0.0.1"], ["10.9.9.9"]]
    asked: list[str] = []

    async def rebinding(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers.pop(0)

    network = NetworkSettings(policy="allow-list", allow=["127.0.0.0/8"])
    transport = netpolicy.checked_transport(network, resolver=rebinding)
    url = f"http://rebind.test:{http_server.port}/hook"
    async with httpx.AsyncClient(transport=transport) as client:
        response = await client.get(url)
    assert response.status_code == 200
    assert asked == ["rebind.test"]
    assert http_server.requests[0].headers["host"] == f"rebind.test:{http_server.port}"


async def test_a_name_with_any_refused_address_is_refused() -> None:
    async def mixed(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "127.0.0.1"]

    transport = netpolicy.checked_transport(PUBLIC_ONLY, resolver=mixed)
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(NetworkRefused, match=r"resolves to 127\.0\.0\.1: loopback"):
            await client.get("http://mixed.test/")


def test_any_policy_uses_the_default_transport() -> None:
    assert netpolicy.checked_transport(NetworkSettings()) is None


def test_hosts_contacted() -> None:
    experiment = load_experiment({"id": "x", "name": "X", "steps": [
        {"id": "a", "type": "webhook", "name": "A",
         "config": {"url": "https://hooks.example.com/a?token=s"}},
        {"id": "b", "type": "transform", "name": "B", "config": {}},
        {"id": "c", "type": "webhook", "name": "C", "config": {"url": "http://10.0.0.5:8080/c"}},
        {"id": "d", "type": "webhook", "name": "D", "config": {"url": "https://HOOKS.example.com/d"}},
    ]})
    assert netpolicy.hosts_contacted(experiment) == ["10.0.0.5:8080", "hooks.example.com"]
    settings = AppSettings(endpoints={"local": EndpointSettings(
        base_url="http://127.0.0.1:11434/v1", model="m")})
    llm = experiment.model_copy(update={"steps": [
        experiment.steps[1].model_copy(update={"config": {"endpoint": "local"}})]})
    assert netpolicy.hosts_contacted(llm, settings) == ["127.0.0.1:11434"]
