"""Where a request came from, behind a known number of reverse proxies."""

from django.conf import settings


def client_ip(meta: dict, *, proxy_count: int) -> str | None:
    """The client's address: REMOTE_ADDR, or with proxies the one the outermost proxy saw.

    Each proxy appends the address it was reached from to X-Forwarded-For, so with N proxies
    the client is the N-th entry from the right; anything further left came from the client
    and may be forged. A header shorter than that did not pass every proxy and is not trusted.
    """
    remote = meta.get("REMOTE_ADDR") or None
    if proxy_count <= 0:
        return remote
    header = meta.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [address.strip() for address in header.split(",") if address.strip()]
    if len(forwarded) < proxy_count:
        return remote
    return forwarded[-proxy_count]


def axes_client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address sign-in failures are counted against."""
    return client_ip(request.META, proxy_count=settings.ATLAS_PROXY_COUNT)
