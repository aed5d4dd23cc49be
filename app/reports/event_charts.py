"""The event overview's charts: sign-ups over time, and the mix of the people signed up by
organisation, region and mode. Counts only: nothing here names a person.

Two GROUP BYs read an event of any size: the sign-ups by hour (in UTC, made into days in
Helsinki here: the zone's offset is whole hours, so an hour falls on one day), and the
people by organisation, region and mode together."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from app import clock
from app.charts import Chart, bar_chart, line_chart
from app.extensions import db
from app.models import Event, EventFormat, ParticipationMode, Registration, RegistrationStatus
from app.nominations.regions import region_name
from app.nominations.services import organisation_key

# Signed up and not cancelled: those with a place, those waiting for one, and those offered
# one from the waiting list. Not sign-ups awaiting approval, nor those not approved.
SIGNED_UP = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING, RegistrationStatus.OFFERED)
TOP_ORGANISATIONS = 10


@dataclass
class EventCharts:
    signed_up: int = 0
    # Each day someone signed up (its first moment in Helsinki), and everyone by its end.
    days: list[tuple[datetime, int]] = field(default_factory=list)
    # All the event's places, when every kind of place is limited.
    capacity: int | None = None
    # The registration window: when it opens and when it closes.
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    # (label, people), most first; the organisations' top ten and then the others.
    organisations: list[tuple[str, int]] = field(default_factory=list)
    # Only when the event asks each person's region (Event.asks_region).
    regions: list[tuple[str, int]] | None = None
    # Only at a hybrid event: in person and online.
    modes: list[tuple[str, int]] | None = None

    def drawn(self) -> list[Chart]:
        """The charts, in the order of the page, each with its table (app.charts)."""
        people = _("People")
        charts = [
            self._over_time(),
            bar_chart(_("By organisation"), self.organisations, value_label=people),
        ]
        if self.regions is not None:
            charts.append(
                bar_chart(_("By wellbeing services county"), self.regions, value_label=people)
            )
        if self.modes is not None:
            charts.append(bar_chart(_("In person or online"), self.modes, value_label=people))
        return charts

    def _over_time(self) -> Chart:
        levels = [] if self.capacity is None else [(self.capacity, _("Places"))]
        window = (
            (self.opens_at, _("Registration opens")),
            (self.closes_at, _("Registration closes")),
        )
        return line_chart(
            _("Sign-ups over time"),
            self.days,
            x_label=_("Day"),
            value_label=_("Signed up by the end of the day"),
            levels=levels,
            marks=[(at, label) for at, label in window if at is not None],
        )


def event_charts(event: Event) -> EventCharts:
    """What the overview draws; signed_up 0 (and nothing else) before the first sign-up."""
    days = _days(event.id)
    if not days:
        return EventCharts()
    mix = _mix(event.id)
    return EventCharts(
        signed_up=days[-1][1],
        days=days,
        capacity=_places(event),
        opens_at=event.registration_opens_at or event.published_at,
        closes_at=event.registration_closes_at or event.starts_at,
        organisations=_organisations(mix),
        regions=_regions(mix) if event.asks_region else None,
        modes=_modes(mix) if event.format == EventFormat.HYBRID else None,
    )


def _signed_up(event_id: int):
    return sa.and_(Registration.event_id == event_id, Registration.status.in_(SIGNED_UP))


def _hour(column):
    """The hour of a UTC moment as text, "2026-03-17 09", on either database."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(column, "YYYY-MM-DD HH24")
    return sa.func.strftime("%Y-%m-%d %H", column)


def _days(event_id: int) -> list[tuple[datetime, int]]:
    hour = _hour(Registration.created_at).label("hour")
    rows = db.session.execute(
        sa.select(hour, sa.func.count()).where(_signed_up(event_id)).group_by(hour)
    ).all()
    by_day: Counter[date] = Counter()
    for text, people in rows:
        moment = datetime.strptime(text, "%Y-%m-%d %H").replace(tzinfo=UTC)
        by_day[clock.to_local(moment).date()] += people
    total, days = 0, []
    for day in sorted(by_day):
        total += by_day[day]
        days.append((clock.from_local(datetime.combine(day, time())), total))
    return days


def _places(event: Event) -> int | None:
    if event.format != EventFormat.HYBRID:
        return event.capacity
    if event.capacity is None or event.online_capacity is None:
        return None
    return event.capacity + event.online_capacity


def _mix(event_id: int) -> list[tuple[str, str, str | None, int]]:
    """(organisation, region, mode, people): the people of each combination."""
    columns = (
        Registration.organisation,
        Registration.region,
        sa.type_coerce(Registration.mode, sa.String()),
    )
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(*columns, sa.func.count()).where(_signed_up(event_id)).group_by(*columns)
        )
    ]


def _organisations(mix) -> list[tuple[str, int]]:
    """The ten organisations with most people, then the others in one; spellings that
    differ only in case and spaces are one organisation, named as most wrote it."""
    people: Counter[str] = Counter()
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for organisation, _region, _mode, count in mix:
        key = organisation_key(organisation)
        people[key] += count
        spellings[key][organisation.strip()] += count
    ranked = sorted(people.items(), key=lambda item: (-item[1], item[0]))
    named = [
        (spellings[key].most_common(1)[0][0] if key else _("No organisation given"), count)
        for key, count in ranked[:TOP_ORGANISATIONS]
    ]
    rest = ranked[TOP_ORGANISATIONS:]
    if rest:
        others = sum(count for _key, count in rest)
        label = ngettext(
            "Others (%(num)d organisation)", "Others (%(num)d organisations)", len(rest)
        )
        named.append((label, others))
    return named


def _regions(mix) -> list[tuple[str, int]]:
    by_region: Counter[str] = Counter()
    for _organisation, region, _mode, count in mix:
        by_region[region] += count
    ranked = sorted(by_region.items(), key=lambda item: (not item[0], -item[1], item[0]))
    locale = str(get_locale())
    return [
        (region_name(region, locale).text if region else _("Not given"), people)
        for region, people in ranked
    ]


def _modes(mix) -> list[tuple[str, int]]:
    people: Counter[str] = Counter()
    for _organisation, _region, mode, count in mix:
        people[mode or ParticipationMode.IN_PERSON.value] += count
    return [
        (_("In person"), people[ParticipationMode.IN_PERSON.value]),
        (_("Online"), people[ParticipationMode.ONLINE.value]),
    ]
