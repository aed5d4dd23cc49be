"""The report for a period, as a funder asks for it: counted in the database, naming no one.

What is counted (and said so on the page):
- events held: published (not cancelled) events that started within the period, by now;
- sign-ups: registrations not cancelled (a place, an offer, the waiting list, awaiting
  approval, not approved); registrations: those who had a place (confirmed);
- attendance, of those with a place: attended, did not come, not marked; the no-show
  rate is of those marked;
- participants: the distinct people with a place, one person once across events, purged
  or not (app.reports.period_people); organisations likewise, as trimmed and case-folded;
- an organisation returns when it had people with a place at an earlier event of the
  same filters (before the period starts); else it is new.
Everything a report reads survives the retention purge.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.feedback.services import feedback_scores
from app.models import (
    Event,
    EventFormat,
    EventOrganiser,
    EventStatus,
    FeedbackResponse,
    Organiser,
    OrganiserRole,
    ParticipationMode,
    Registration,
    RegistrationStatus,
    Series,
)
from app.nominations.services import organisation_key
from app.reports.period_people import people_counted

CONFIRMED = Registration.status == RegistrationStatus.CONFIRMED
ATTENDED = sa.and_(CONFIRMED, Registration.attended.is_(True))
NO_SHOW = sa.and_(CONFIRMED, Registration.attended.is_(False))


@dataclass(frozen=True)
class PeriodFilters:
    first_day: date
    last_day: date  # inclusive
    organiser_id: int | None = None  # admins only: events this organiser owns or co-organises
    series_id: int | None = None
    format: EventFormat | None = None
    region: str | None = None  # the event's region
    theme: str | None = None

    @classmethod
    def year_of(cls, today: date) -> "PeriodFilters":
        return cls(date(today.year, 1, 1), date(today.year, 12, 31))

    def query_args(self) -> dict[str, str]:
        """The filters as the report's address gives them (for its downloads)."""
        args = {"first_day": _typed(self.first_day), "last_day": _typed(self.last_day)}
        for name in ("organiser_id", "series_id", "format", "region", "theme"):
            if (value := getattr(self, name)) is not None:
                args[name.removesuffix("_id")] = str(value)
        return args

    @property
    def starts_at(self) -> datetime:
        return clock.from_local(datetime.combine(self.first_day, time()))

    @property
    def ends_at(self) -> datetime:
        return clock.from_local(datetime.combine(self.last_day + timedelta(days=1), time()))


def _typed(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


@dataclass
class EventLine:
    event: Event
    signups: int = 0
    registrations: int = 0
    attended: int = 0
    no_shows: int = 0
    responses: int = 0
    score_sum: int = 0

    @property
    def feedback_average(self) -> float | None:
        return self.score_sum / self.responses if self.responses else None


@dataclass
class Tally:
    """One line of a "by ..." table: its key (a stored value), and counts."""

    key: str
    registrations: int = 0
    attended: int = 0
    participants: int = 0
    events: int = 0
    returning: bool = False


@dataclass
class Feedback:
    responses: int = 0
    score_sum: int = 0
    recommend_yes: int = 0
    recommend_answered: int = 0
    scores: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, 6), 0))

    @property
    def average(self) -> float | None:
        return self.score_sum / self.responses if self.responses else None

    @property
    def recommend_share(self) -> float | None:
        return self.recommend_yes / self.recommend_answered if self.recommend_answered else None


@dataclass
class PeriodReport:
    filters: PeriodFilters
    events: list[EventLine]
    participants: int = 0
    organisations: list[Tally] = field(default_factory=list)  # "" last: none given
    regions: list[Tally] = field(default_factory=list)
    formats: list[Tally] = field(default_factory=list)
    modes: list[Tally] = field(default_factory=list)
    feedback: Feedback = field(default_factory=Feedback)

    def _sum(self, name: str) -> int:
        return sum(getattr(line, name) for line in self.events)

    @property
    def signups(self) -> int:
        return self._sum("signups")

    @property
    def registrations(self) -> int:
        return self._sum("registrations")

    @property
    def attended(self) -> int:
        return self._sum("attended")

    @property
    def no_shows(self) -> int:
        return self._sum("no_shows")

    @property
    def not_marked(self) -> int:
        return self.registrations - self.attended - self.no_shows

    @property
    def no_show_rate(self) -> float | None:
        marked = self.attended + self.no_shows
        return self.no_shows / marked if marked else None

    @property
    def named_organisations(self) -> list[Tally]:
        return [line for line in self.organisations if line.key]

    @property
    def returning_organisations(self) -> int:
        return sum(line.returning for line in self.named_organisations)

    @property
    def new_organisations(self) -> int:
        return len(self.named_organisations) - self.returning_organisations


# --- which events -------------------------------------------------------------------------


def _organising(organiser_id: int):
    """Events the organiser owns or co-organises (a check-in helper's are not theirs)."""
    return Event.id.in_(
        sa.select(EventOrganiser.event_id).where(
            EventOrganiser.organiser_id == organiser_id,
            EventOrganiser.role != OrganiserRole.HELPER,
        )
    )


def visible_to(viewer: Organiser):
    return sa.true() if viewer.is_admin else _organising(viewer.id)


def _held_query(viewer: Organiser, filters: PeriodFilters, since: datetime | None, until):
    """The events held between the two moments that the viewer may see and the filters
    (all but the theme, chosen after: it is in a JSON list) take in."""
    query = sa.select(Event).where(
        visible_to(viewer),
        Event.status == EventStatus.PUBLISHED,
        Event.starts_at < until,
    )
    if since is not None:
        query = query.where(Event.starts_at >= since)
    if filters.organiser_id is not None and viewer.is_admin:
        query = query.where(_organising(filters.organiser_id))
    if filters.series_id is not None:
        query = query.where(Event.series_id == filters.series_id)
    if filters.format is not None:
        query = query.where(Event.format == filters.format)
    if filters.region is not None:
        query = query.where(Event.region == filters.region)
    return query


def _held(viewer: Organiser, filters: PeriodFilters, since: datetime | None, until: datetime):
    query = _held_query(viewer, filters, since, until)
    columns = (Event.title, Event.translations, Event.language, Event.starts_at, Event.format)
    query = query.options(sa.orm.load_only(*columns, Event.themes, Event.series_id))
    return list(db.session.scalars(query.order_by(Event.starts_at, Event.id)))


def _with_theme(events: list[Event], theme: str | None) -> list[Event]:
    return [event for event in events if not theme or theme in (event.themes or [])]


def themes_of(events: list[Event]) -> list[str]:
    return sorted({theme for event in events for theme in event.themes or []}, key=str.casefold)


# --- the report ---------------------------------------------------------------------------


def period_report(viewer: Organiser, filters: PeriodFilters) -> tuple[PeriodReport, list[str]]:
    """The report, and the themes of the period's events (for the theme filter's choices)."""
    until = min(filters.ends_at, clock.now())
    in_period = _held(viewer, filters, filters.starts_at, until)
    events = _with_theme(in_period, filters.theme)
    report = PeriodReport(filters, [EventLine(event) for event in events])
    ids = [event.id for event in events]
    if ids:
        _count_registrations(report, ids)
        _count_feedback(report, ids)
        _count_people(report, ids, viewer)
        report.formats = _by_format(report.events)
    return report, themes_of(in_period)


def _count_registrations(report: PeriodReport, ids: list[int]) -> None:
    lines = {line.event.id: line for line in report.events}
    rows = db.session.execute(
        sa.select(
            Registration.event_id,
            sa.func.count().filter(Registration.status != RegistrationStatus.CANCELLED),
            sa.func.count().filter(CONFIRMED),
            sa.func.count().filter(ATTENDED),
            sa.func.count().filter(NO_SHOW),
        )
        .where(Registration.event_id.in_(ids))
        .group_by(Registration.event_id)
    )
    for event_id, signups, registrations, attended, no_shows in rows:
        line = lines[event_id]
        line.signups, line.registrations = signups, registrations
        line.attended, line.no_shows = attended, no_shows
    report.regions = _tallies(Registration.region, ids)
    report.regions.sort(key=lambda line: (not line.key, -line.registrations, line.key))
    modes = _tallies(Registration.mode, ids)
    report.modes = [line for line in modes if line.key]
    report.modes.sort(key=lambda line: list(ParticipationMode).index(line.key))


def _tallies(column, ids: list[int]) -> list[Tally]:
    """Those with a place and those who attended, per value of the column."""
    rows = db.session.execute(
        sa.select(column, sa.func.count(), sa.func.count().filter(ATTENDED))
        .where(Registration.event_id.in_(ids), CONFIRMED)
        .group_by(column)
    )
    return [Tally(key or "", registrations, attended) for key, registrations, attended in rows]


def _by_format(lines: list[EventLine]) -> list[Tally]:
    found = {format_: Tally(format_.value) for format_ in EventFormat}
    for line in lines:
        tally = found[line.event.format]
        tally.events += 1
        tally.registrations += line.registrations
        tally.attended += line.attended
    return [tally for tally in found.values() if tally.events]


def _count_feedback(report: PeriodReport, ids: list[int]) -> None:
    lines = {line.event.id: line for line in report.events}
    feedback = report.feedback
    for event_id, scores in feedback_scores(ids).items():  # app.feedback's own counts
        lines[event_id].responses, lines[event_id].score_sum = scores.responses, scores.score_sum
        feedback.responses += scores.responses
        feedback.score_sum += scores.score_sum
        feedback.recommend_yes += scores.recommend_yes
        feedback.recommend_answered += scores.recommend_yes + scores.recommend_no
    scores = db.session.execute(
        sa.select(FeedbackResponse.score, sa.func.count())
        .where(FeedbackResponse.event_id.in_(ids))
        .group_by(FeedbackResponse.score)
    )
    feedback.scores.update({score: count for score, count in scores})


def _count_people(report: PeriodReport, ids: list[int], viewer: Organiser) -> None:
    """Distinct people (streamed: their keys are made here) and organisations."""
    # Past the ORM: plain columns need none of its work (half of the time here).
    rows = db.session.connection().execute(
        sa.select(
            Registration.id,
            Registration.person_key,
            Registration.email_normalised,
            Registration.organisation,
        )
        .where(Registration.event_id.in_(ids), CONFIRMED)
        .execution_options(yield_per=2000)
    )
    report.participants, people = people_counted(rows, organisation_key)
    organisations: dict[str, Tally] = {}
    spellings: dict[str, Counter] = {}
    for line in _tallies(Registration.organisation, ids):
        key = organisation_key(line.key)
        tally = organisations.setdefault(key, Tally(key, participants=people.get(key, 0)))
        tally.registrations += line.registrations
        tally.attended += line.attended
        spellings.setdefault(key, Counter())[line.key.strip()] += line.registrations
    earlier = _earlier_organisations(viewer, report.filters)
    for key, tally in organisations.items():
        tally.returning = key in earlier
        # Shown as most of its people wrote it ("" stays "": none given).
        tally.key = spellings[key].most_common(1)[0][0] if key else ""
    report.organisations = sorted(
        organisations.values(),
        key=lambda line: (
            not line.key,
            -line.participants,
            -line.registrations,
            line.key.casefold(),
        ),
    )


def _earlier_organisations(viewer: Organiser, filters: PeriodFilters) -> set[str]:
    """The organisations (folded) with people at the filters' events before the period:
    all of history, so the events are a subquery unless a theme must be looked for."""
    earlier = _held_query(viewer, filters, None, filters.starts_at)
    if filters.theme:
        themed = db.session.execute(earlier.with_only_columns(Event.id, Event.themes))
        ids = [id_ for id_, themes in themed if filters.theme in (themes or [])]
    else:
        ids = earlier.with_only_columns(Event.id)
    names = db.session.scalars(
        sa.select(Registration.organisation)
        .where(Registration.event_id.in_(ids), CONFIRMED)
        .distinct()
    )
    return {organisation_key(name) for name in names} - {""}


# --- the filters' choices -----------------------------------------------------------------


def series_for(viewer: Organiser) -> list[Series]:
    """The series with an occurrence the viewer may see."""
    occurring = sa.select(Event.series_id).where(visible_to(viewer), Event.series_id.is_not(None))
    return list(db.session.scalars(sa.select(Series).where(Series.id.in_(occurring))))
