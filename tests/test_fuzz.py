"""Arbitrary input at the public forms: never a server error, never a partial write."""

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.models import Answer, Invitation, OutboundEmail, Registration
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


# --- the manage link and invitation replies ------------------------------------------------

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _post_with_token(client, path: str, fields: dict):
    data = {key: value for key, value in fields.items() if value is not None}
    data["csrf_token"] = csrf_token_in(client.get(path).get_data(as_text=True))
    return client.post(path, data=data)


def _answers_of(registration_id: int) -> list:
    db.session.expire_all()
    return sorted(
        (answer.question_id, repr(answer.value))
        for answer in db.session.scalars(
            sa.select(Answer).where(Answer.registration_id == registration_id)
        )
    )


@pytest.fixture
def manage_link_once(make_event_once):
    made = []

    def get():
        if not made:
            from app.signup import services

            event, diet_field, coffee_field = make_event_once()
            result = services.register_for_event(
                event,
                name="Sara",
                email="sara@example.fi",
                organisation="",
                answers={event.questions[1].id: True},
                locale="en",
            )
            token = services.issue_manage_link_token(result.registration)
            db.session.commit()
            made.append((result.registration.id, token, diet_field, coffee_field))
        return made[0]

    return get


@FUZZ
@given(diet=maybe, coffee=maybe)
def test_the_manage_form_never_fails_and_a_refusal_changes_nothing(
    client, manage_link_once, diet, coffee
):
    registration_id, token, diet_field, coffee_field = manage_link_once()
    before = _answers_of(registration_id)

    response = _post_with_token(
        client, f"/manage/{token}", {diet_field: diet, coffee_field: coffee}
    )

    assert response.status_code < 500
    if response.status_code != 303:
        assert "There is a problem" in response.get_data(as_text=True)
        assert _answers_of(registration_id) == before, "a refused form wrote something"


@pytest.fixture
def invitation_link(make_event):
    """A fresh invitation (and its raw token) for each example: accepting ends one."""
    from app.invitations import services as invitations

    workshop = []

    def make():
        if not workshop:
            workshop.append(
                make_event(participation="invitation", questions=[DIET_QUESTION], capacity=500)
            )
        event = workshop[0]
        count = db.session.scalar(sa.select(sa.func.count(Invitation.id))) or 0
        [invitation] = invitations.invite_list(
            event,
            [invitations.Invitee("Ville V", f"ville{count}@example.fi", "Oy")],
            send_at=None,
        )
        token = invitations.issue_invitation_token(invitation)
        db.session.commit()
        return event, invitation.id, token

    return make


def _registrations() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(Registration.id)))


@FUZZ
@given(name=maybe, organisation=maybe, diet=maybe, consent=maybe)
def test_accepting_an_invitation_never_fails_and_a_refusal_writes_nothing(
    client, invitation_link, name, organisation, diet, consent
):
    event, invitation_id, token = invitation_link()
    fields = {
        "name": name,
        "organisation": organisation,
        f"q_{event.questions[0].id}": diet,
        "consent": consent,
    }
    before = _registrations()

    response = _post_with_token(client, f"/invitations/{token}/accept", fields)

    assert response.status_code < 500
    if response.status_code == 303:
        assert _registrations() == before + 1
    else:
        html = response.get_data(as_text=True)
        assert "There is a problem" in html
        assert _registrations() == before
        assert db.session.get(Invitation, invitation_id).status.value == "planned"
        if name and name.strip() and "\x00" not in name and len(name) <= 200:
            from markupsafe import escape

            assert str(escape(name)) in html or str(escape(name.strip())) in html


@FUZZ
@given(reason=maybe)
def test_declining_an_invitation_never_fails(client, invitation_link, reason):
    _event, invitation_id, token = invitation_link()

    response = _post_with_token(client, f"/invitations/{token}/decline", {"reason": reason})

    assert response.status_code < 500
    db.session.expire_all()
    status = db.session.get(Invitation, invitation_id).status.value
    if response.status_code == 303:
        assert status == "declined"
    else:
        assert status == "planned" and "There is a problem" in response.get_data(as_text=True)
