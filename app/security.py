"""Security headers, from one place, on every response."""

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'none'",  # Kutsu needs no JavaScript
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

# Pages with personal data: never kept by a shared cache. So is every page with a token
# in its address (manage links, invitations, password resets), whatever its endpoint.
PRIVATE_ENDPOINTS = {"signup.done"}
# Every page behind sign-in shows personal data: lists, nominees, a person's records;
# one's own account too: the two-step key and recovery codes must not stay in a cache.
PRIVATE_BLUEPRINTS = {
    "home",
    "organiser",
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
}


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
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


def register(app: Flask) -> None:
    app.after_request(add_security_headers)
