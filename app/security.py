"""Security headers, from one place, on every response."""

import re

from flask import Flask, Response, abort, current_app, request


def content_security_policy(frame_ancestors: str = "'none'") -> str:
    return "; ".join(
        [
            "default-src 'self'",
            # Only Kutsu's own small scripts (app/static), and none is needed to use a page.
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()

# Pages other sites may show in a frame, when the operator names those sites
# (CALENDAR_EMBED_ORIGINS); every other page, and these without that setting, none.
FRAMEABLE_ENDPOINTS = {"calendar.embed"}
# An origin as a frame-ancestors source: scheme, host and an optional port, nothing else
# (a path, a quote or a semicolon would change the policy).
_ORIGIN = re.compile(r"https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?")

# Pages with personal data: never kept by a shared cache. So is every page with a token
# in its address (manage links, invitations, password resets), whatever its endpoint.
PRIVATE_ENDPOINTS = {"signup.done", "series_signup.done"}
# Every page behind sign-in shows personal data: lists, nominees, a person's records;
# one's own account too: the two-step key and recovery codes must not stay in a cache.
PRIVATE_BLUEPRINTS = {
    "home",
    "organiser",
    "reports",
    "attendees",
    "attendee_changes",
    "people",
    "accounts",
    "messages",
    "workshops",
    "admin",
    "undelivered",
    "profile",
    "two_step",
    "two_step_admin",
    "admin_accounts",
    "organiser_series",
    "lists",
    "approvals",
    "waiting_list",
    "feedback",
    "followup",
    "attendance",
}


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    origins = current_app.config["CALENDAR_EMBED_ORIGINS"]
    if origins and request.endpoint in FRAMEABLE_ENDPOINTS:
        # No X-Frame-Options: it knows no list of sites, and DENY would win in some browsers.
        headers.setdefault("Content-Security-Policy", content_security_policy(" ".join(origins)))
    else:
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # Manage links carry a token in the path: never send it on to another site.
    headers.setdefault("Referrer-Policy", "no-referrer")
    if (
        request.endpoint in PRIVATE_ENDPOINTS
        or request.blueprint in PRIVATE_BLUEPRINTS
        or "token" in (request.view_args or {})
    ):
        headers["Cache-Control"] = "no-store"
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def check_embed_origins(origins) -> None:
    """CALENDAR_EMBED_ORIGINS must be a list of origins: refused at start, not half-used."""
    if isinstance(origins, str) or not all(
        isinstance(origin, str) and _ORIGIN.fullmatch(origin) for origin in origins
    ):
        raise ValueError(
            "CALENDAR_EMBED_ORIGINS must be a list of origins such as "
            f"['https://www.example.fi'], not {origins!r}"
        )


def refuse_nul_in_path() -> None:
    """No address has a NUL in it (%00): refused before any view passes it to a query,
    where PostgreSQL would fail on it ("text fields cannot contain NUL")."""
    if "\x00" in request.path:
        abort(404)


def register(app: Flask) -> None:
    check_embed_origins(app.config["CALENDAR_EMBED_ORIGINS"])
    app.before_request(refuse_nul_in_path)
    app.after_request(add_security_headers)
