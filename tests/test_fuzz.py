"""Arbitrary input at the public forms: never a server error, never a partial write."""

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.models import Answer, OutboundEmail, Registration
from tests.conftest import COFFEE_QUESTION, DIET_QUESTION, csrf_token_in

anything = st.text(max_size=300) | st.text(
    alphabet=st.characters(codec="utf-8"), min_size=200, max_size=1200
)
maybe = st.none() | anything


def _counts():
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Registration, Answer, OutboundEmail)
    )


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=maybe, email=maybe, organisation=maybe, diet=maybe, coffee=maybe, consent=maybe)
def test_sign_up_form_never_fails_on_arbitrary_text(
    client, make_event_once, name, email, organisation, diet, coffee, consent
):
    event, diet_field, coffee_field = make_event_once()
    page = client.get(f"/events/{event.slug}/register")
    fields = {
        "name": name,
        "email": email,
        "organisation": organisation,
        diet_field: diet,
        coffee_field: coffee,
        "consent": consent,
    }
    data = {key: value for key, value in fields.items() if value is not None}
    data["csrf_token"] = csrf_token_in(page.get_data(as_text=True))
    before = _counts()

    response = client.post(f"/events/{event.slug}/register", data=data)

    assert response.status_code < 500
    after = _counts()
    if response.status_code == 303:
        registrations, answers, emails = (b - a for a, b in zip(before, after, strict=True))
        assert registrations in (0, 1) and emails == 1
    else:
        assert after == before, "a refused form wrote something"
        html = response.get_data(as_text=True)
        assert "There is a problem" in html
        if name and "\x00" not in name and name.strip() and len(name) <= 200:
            # What the person typed comes back to them (HTML-escaped).
            from markupsafe import escape

            assert str(escape(name)) in html or str(escape(name.strip())) in html


def test_oversize_body_gets_a_clear_413(client, make_event_once):
    event, _, _ = make_event_once()
    response = client.post(f"/events/{event.slug}/register", data={"name": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


@pytest.fixture
def make_event_once(make_event):
    """One event for all examples of a property test (fixtures run once per test)."""
    made = []

    def get():
        if not made:
            event = make_event(capacity=3, questions=[DIET_QUESTION, COFFEE_QUESTION])
            made.append((event, f"q_{event.questions[0].id}", f"q_{event.questions[1].id}"))
        return made[0]

    return get
