"""The addresses phones in the room can reach this machine at, for `make run HOST=0.0.0.0`.

`python -m atlas.lib.lan HOST PORT` prints where the development server listens and, when it
listens on every interface, the address of each network this machine is on.
`python -m atlas.lib.lan --hosts HOST` prints the ALLOWED_HOSTS that serve those addresses.
Nothing here sends a packet: see `lan_addresses`.
"""

import ipaddress
import socket
import sys

# Addresses meaning "every interface" to runserver ("0" is its shorthand for 0.0.0.0).
WILDCARDS = ("0.0.0.0", "0")
LOCAL_NAMES = ("localhost", "127.0.0.1")
# A documentation address (RFC 5737), never routed anywhere. Connecting a UDP socket to it
# only asks the kernel which interface a packet would leave by; no packet is sent.
PROBE = ("192.0.2.1", 9)


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses that another machine could reach, in numeric order.

    Two sources, neither touching the network: the interface the default route leaves by
    (the UDP probe above), and what this machine's own name resolves to, which /etc/hosts or
    the local resolver answers. Loopback and link-local addresses are left out.
    """
    found = set()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(PROBE)
            found.add(probe.getsockname()[0])
    except OSError:
        pass  # no default route: a closed network may still be named in /etc/hosts
    try:
        for *_ignored, sockaddr in socket.getaddrinfo(
            socket.gethostname(), None, socket.AF_INET, socket.SOCK_DGRAM
        ):
            found.add(sockaddr[0])
    except OSError:
        pass
    reachable = [a for a in found if is_reachable(a)]
    return sorted(reachable, key=ipaddress.ip_address)


def is_reachable(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast)


def allowed_hosts(host: str, addresses: list[str]) -> str:
    """ALLOWED_HOSTS for a development server bound to `host`: this machine by name and by
    loopback, and the addresses other machines use (`addresses` when bound to them all)."""
    served = addresses if host in WILDCARDS else [host]
    names = list(LOCAL_NAMES) + [a for a in served if a not in LOCAL_NAMES]
    return ",".join(names)


def banner(host: str, port: str, addresses: list[str]) -> str:
    if host not in WILDCARDS:
        return f"Serving the atlas on http://{host}:{port}/ (Ctrl-C stops it)"
    lines = [f"Serving the atlas on http://127.0.0.1:{port}/ and on this machine's networks:"]
    lines += [f"  phones in the room: http://{address}:{port}/" for address in addresses]
    if not addresses:
        lines.append(
            "  no network address found; is this machine on the room's network? Phones then"
            " need its address, and ALLOWED_HOSTS=<that address>,localhost make run HOST=0.0.0.0"
        )
    lines.append("(Ctrl-C stops it)")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--hosts"] and len(argv) == 2:
        print(allowed_hosts(argv[1], lan_addresses()))
        return 0
    if len(argv) == 2:
        print(banner(argv[0], argv[1], lan_addresses()))
        return 0
    print("usage: python -m atlas.lib.lan HOST PORT | --hosts HOST", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
