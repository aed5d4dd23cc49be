"""Where to send someone back to after a form: only ever a path on this site."""

from flask import current_app, url_for

from app.text import has_control_characters


def local_path_or(target: str | None, fallback_endpoint: str) -> str:
    """`target` if it is a path on this site, else the fallback page: never an open redirect.

    Browsers drop tabs and newlines inside a URL, so "/<tab>/evil.example" would become
    "//evil.example": anything with control characters or a backslash is refused too.
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not has_control_characters(target)
    ):
        return target
    return url_for(fallback_endpoint)


def public_url(endpoint: str, **values) -> str:
    """An address on the public site (PUBLIC_BASE_URL), as emails give it, whatever host
    the current request came in by."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(endpoint, **values)
