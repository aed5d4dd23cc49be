"""The domain: events, registrations, workshops, tokens and the email outbox."""

from app.models.accounts import (  # noqa: F401
    AccountInvitation,  # noqa: F401
    RecoveryCode,
    SiteSettings,
)
from app.models.audit import AuditAction, AuditEntry  # noqa: F401
from app.models.bookings import BookedRegistration, SeriesBooking  # noqa: F401
from app.models.events import (  # noqa: F401
    Event,
    EventOrganiser,
    Organiser,
    Question,
)
from app.models.feedback import (  # noqa: F401
    FeedbackAudience,
    FeedbackQuestionKind,
    FeedbackResponse,
    FeedbackSettings,
)
from app.models.followup import FollowUpAudience, FollowUpMessage, Material  # noqa: F401
from app.models.lists import (  # noqa: F401
    ContactList,
    ListCoOrganiser,
    ListMember,
)
from app.models.mail import (  # noqa: F401
    MessageBatch,
    OutboundEmail,
    Token,
)
from app.models.registrations import (  # noqa: F401
    LIVE,
    LIVE_ADDRESS,
    NOTE_MAX,
    Answer,
    Registration,
)
from app.models.series import Series  # noqa: F401
from app.models.sessions import SignInSession  # noqa: F401
from app.models.types import (  # noqa: F401
    AccountRole,
    AttendanceSource,
    Audience,
    EmailStatus,
    EventFormat,
    EventStatus,
    GroupRule,
    InvitationStatus,
    NominationStatus,
    OrganiserRole,
    Participation,
    ParticipationMode,
    QuestionKind,
    RegistrationSource,
    RegistrationStatus,
    TokenPurpose,
    UTCDateTime,
    default_reminders,
)
from app.models.workshops import (  # noqa: F401
    Candidate,
    Invitation,
    Nomination,
)
