"""`make run HOST=0.0.0.0`: the addresses phones use, and the hosts Django must allow."""

import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from atlas.lib import lan

ROOT = Path(__file__).resolve().parents[2]


class FakeProbe:
    """A UDP socket whose route lookup lands on `address`, or fails like a machine with no
    default route; it records where it was asked to connect."""

    connected = []

    def __init__(self, address):
        self.address = address

    def __call__(self, *args):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def connect(self, target):
        self.connected.append(target)
        if self.address is None:
            raise OSError("Network is unreachable")

    def getsockname(self):
        return (self.address, 40000)


def fake_network(monkeypatch, *, route, named):
    monkeypatch.setattr(lan.socket, "socket", FakeProbe(route))
    monkeypatch.setattr(lan.socket, "gethostname", lambda: "teaching-laptop")
    infos = [(socket.AF_INET, socket.SOCK_DGRAM, 17, "", (a, 0)) for a in named]
    monkeypatch.setattr(lan.socket, "getaddrinfo", lambda *args: infos)


def test_the_lan_addresses_leave_out_loopback_and_link_local(monkeypatch):
    fake_network(
        monkeypatch,
        route="192.168.1.23",
        named=["127.0.1.1", "169.254.3.4", "10.20.0.5", "192.168.1.23"],
    )
    assert lan.lan_addresses() == ["10.20.0.5", "192.168.1.23"]
    # The probe asks for a route to a documentation address, which nothing answers.
    assert FakeProbe.connected[-1] == ("192.0.2.1", 9)


def test_a_closed_network_without_a_default_route_still_finds_the_named_address(monkeypatch):
    fake_network(monkeypatch, route=None, named=["127.0.1.1", "172.16.4.9"])
    assert lan.lan_addresses() == ["172.16.4.9"]


def test_every_interface_allows_the_lan_addresses_and_this_machine():
    hosts = lan.allowed_hosts("0.0.0.0", ["192.168.1.23", "10.20.0.5"])
    assert hosts == "localhost,127.0.0.1,192.168.1.23,10.20.0.5"
    assert lan.allowed_hosts("192.168.1.23", ["10.20.0.5"]) == "localhost,127.0.0.1,192.168.1.23"


def test_the_banner_gives_the_address_phones_use():
    text = lan.banner("0.0.0.0", "8000", ["192.168.1.23"])
    assert "phones in the room: http://192.168.1.23:8000/" in text
    assert "http://0.0.0.0" not in text
    assert lan.banner("127.0.0.1", "8000", []).startswith(
        "Serving the atlas on http://127.0.0.1:8000/"
    )
    assert "ALLOWED_HOSTS=<that address>" in lan.banner("0.0.0.0", "8000", [])


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("args", "bound", "allows"),
    [((), "127.0.0.1:8000", False), (("HOST=0.0.0.0", "PORT=8100"), "0.0.0.0:8100", True)],
)
def test_make_run_binds_host_and_allows_the_room_only_when_asked(args, bound, allows):
    # A dry run: make prints the recipe without running it, nor installing anything.
    dry = subprocess.run(
        ["make", "-n", "--no-print-directory", "run", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    serve = next(line for line in dry.splitlines() if "manage.py runserver" in line)
    assert serve.endswith(f"runserver {bound}")
    assert ("ALLOWED_HOSTS=" in serve) is allows
    if allows:
        assert "${ALLOWED_HOSTS:-" in serve  # the reader's own ALLOWED_HOSTS wins
