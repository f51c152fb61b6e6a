"""The address sign-in failures are counted against, with and without reverse proxies."""

from atlas.lib.network import client_ip


def test_without_proxies_the_address_is_the_connection_s_and_the_header_is_ignored():
    meta = {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert client_ip(meta, proxy_count=0) == "203.0.113.5"


def test_behind_one_proxy_the_address_is_the_one_the_proxy_appended():
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.1"}
    assert client_ip(meta, proxy_count=1) == "198.51.100.1"


def test_behind_two_proxies_the_outer_proxy_s_entry_is_taken_not_the_forged_one():
    meta = {
        "REMOTE_ADDR": "10.0.0.3",
        "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.1, 10.0.0.2",
    }
    assert client_ip(meta, proxy_count=2) == "198.51.100.1"


def test_a_header_shorter_than_the_proxy_chain_is_not_trusted():
    meta = {"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert client_ip(meta, proxy_count=2) == "10.0.0.3"
