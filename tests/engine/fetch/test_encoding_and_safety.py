from __future__ import annotations

import codecs
import ipaddress

import pytest

from govwatch.engine.fetch import AddressPolicy, decode_body, is_reserved_address, sniff_encoding

TEXT = "<html><body>关于做好2024年度政府网站年度报表工作的通知 网站标识码：4403000052</body></html>"


@pytest.mark.parametrize(
    ("body", "header", "expected"),
    [
        (TEXT.encode("gbk"), "text/html; charset=GB2312", ("gb18030", "header")),
        (
            TEXT.replace("<html>", '<html><meta charset="gbk">').encode("gbk"),
            "",
            ("gb18030", "meta"),
        ),
        (codecs.BOM_UTF8 + TEXT.encode(), "text/html; charset=gbk", ("utf-8", "bom")),
        (TEXT.encode("utf-8"), "text/html", ("utf-8", "utf-8")),
        (TEXT.encode("gb18030"), "", ("gb18030", "detected")),
    ],
)
def test_encoding_sources(body: bytes, header: str, expected: tuple[str, str]) -> None:
    assert sniff_encoding(body, header) == expected
    assert "网站标识码：4403000052" in decode_body(body, header)[0]


def test_gb18030_characters_outside_gb2312_survive_a_gb2312_label() -> None:
    text = "主办单位：喆𠀀镕办公室"  # 喆 and 镕 are outside GB2312
    body = text.encode("gb18030")
    assert decode_body(body, "text/html; charset=gb2312")[0] == text


def test_invalid_bytes_are_replaced_not_fatal() -> None:
    body = TEXT.encode("gbk") + b"\xff\x81\xfe"
    text, codec = decode_body(body, "")
    assert codec == "gb18030" and "网站标识码" in text


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.1.1",
        "::1",
        "fc00::1",
        "0.0.0.0",
        "100.64.0.1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
        "2002:7f00:1::1",  # 6to4 around 127.0.0.1
        "2002:ca6c:1605::1",  # 6to4 around a public address: still a tunnel
        "fec0::1",  # site-local
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    ],
)
def test_reserved_addresses(address: str) -> None:
    assert is_reserved_address(ipaddress.ip_address(address))


def test_public_address_and_allow_list() -> None:
    assert not is_reserved_address(ipaddress.ip_address("202.108.22.5"))
    assert not is_reserved_address(ipaddress.ip_address("240e:e9:6002:1ac:0:ff:b07e:36c5"))
    policy = AddressPolicy.from_entries(["127.0.0.0/8", "intranet.gov.cn", " "])
    assert policy.allows("anything", "127.0.0.2")
    assert policy.allows("intranet.gov.cn", "10.0.0.5")
    assert not policy.allows("other.gov.cn", "10.0.0.5")
    assert policy.allows("www.gov.cn", "202.108.22.5")
    assert not AddressPolicy.from_entries([]).allows("x", "not-an-ip")
