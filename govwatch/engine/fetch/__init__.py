"""Fetching: the network seam (client.py), politeness, address safety and text decoding."""

from govwatch.engine.fetch.client import Fetcher
from govwatch.engine.fetch.encoding import decode_body, sniff_encoding
from govwatch.engine.fetch.safety import AddressPolicy, is_reserved_address
from govwatch.engine.fetch.types import FetchConfig, FetchError, FetchResult

__all__ = [
    "AddressPolicy",
    "FetchConfig",
    "FetchError",
    "FetchResult",
    "Fetcher",
    "decode_body",
    "is_reserved_address",
    "sniff_encoding",
]
