"""Refusal of private and reserved addresses.

A scanner that follows links found on pages it does not control must not be turned into a
probe of the machine's own network (SSRF): every fetch, redirects and links to other hosts
included, is refused when its host resolves to a loopback, private, link-local, multicast or
otherwise reserved address, unless the allow-list exempts that host or network.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def is_reserved_address(ip: IPAddress) -> bool:
    """True for every address a public government site can never legitimately resolve to."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return is_reserved_address(ip.ipv4_mapped)
        # Site-local (fec0::/10, deprecated) and the 6to4 (2002::/16) and Teredo tunnels,
        # which carry an arbitrary IPv4 address inside: no government site resolves there.
        if ip.is_site_local or ip.sixtofour is not None or ip.teredo is not None:
            return True
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Allow-list of host names and networks exempt from the refusal."""

    hosts: frozenset[str]
    networks: tuple[IPNetwork, ...]

    @classmethod
    def from_entries(cls, entries: Iterable[str]) -> AddressPolicy:
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in entries:
            entry = raw.strip().lower()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def allows(self, hostname: str, ip_text: str) -> bool:
        """May a connection to `hostname` at `ip_text` go ahead?"""
        if hostname.lower().rstrip(".") in self.hosts:
            return True
        try:
            ip = ipaddress.ip_address(ip_text.split("%", 1)[0])
        except ValueError:
            return False
        if any(ip in net for net in self.networks):
            return True
        return not is_reserved_address(ip)
