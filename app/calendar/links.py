"""“Add to calendar” links on an event's page, made from the row the page was drawn from
(the page is cached, app.pagecache: nothing here reads the database). Never the join link."""

from datetime import UTC
from urllib.parse import urlencode

from app import clock
from app.calendar.feeds import place_of
from app.navigation import public_url

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/deeplink/compose"


def add_to_calendar_links(event, title: str) -> dict[str, str]:
    """{"google": …, "outlook": …} for the event, titled in the page's language."""
    url = public_url("events.show", slug=event.slug)
    place = place_of(event)

    def utc(moment) -> str:
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    google = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{utc(event.starts_at)}/{utc(event.ends_at)}",
        "details": url,
        "location": place,
        "ctz": "Europe/Helsinki",
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": clock.to_local(event.starts_at).isoformat(),
        "enddt": clock.to_local(event.ends_at).isoformat(),
        "body": url,
        "location": place,
    }
    return {"google": f"{GOOGLE}?{urlencode(google)}", "outlook": f"{OUTLOOK}?{urlencode(outlook)}"}
