"""after the event: attendance, a person's region, the purge's person key, feedback
responses; token purposes feedback, materials; audit: viewed_attendance,
marked_attendance, imported_attendance, viewed_feedback, exported_feedback

Revision ID: 0775d4838b48
Revises: 3b1d0c5e7a42
Create Date: 2026-12-07 08:28:36.525794

"""

import sqlalchemy as sa
from alembic import op

import app.models


# revision identifiers, used by Alembic.
revision = "0775d4838b48"
down_revision = "3b1d0c5e7a42"
branch_labels = None
depends_on = None

ACTIONS = (
    "viewed_attendees",
    "viewed_door_list",
    "viewed_check_in",
    "exported_attendees",
    "viewed_nominations",
    "viewed_nominee",
    "exported_nominations",
    "added_organiser",
    "removed_organiser",
    "transferred_owner",
    "exported_person",
    "erased_person",
    "retried_mail",
    "changed_name",
    "changed_email",
    "changed_password",
    "two_step_on",
    "two_step_off",
    "two_step_reset",
    "two_step_required",
    "used_recovery_code",
    "cancelled_signup",
    "moved_from_waiting",
    "moved_over_capacity",
    "resent_confirmation",
    "invited_account",
    "withdrew_invitation",
    "accepted_invitation",
    "changed_role",
    "deactivated_account",
    "reactivated_account",
    "added_person",
    "edited_person",
    "changed_note",
    # 1fbbe8d5bc15
    "viewed_list_members",
    # 97c260a021ec
    "approved_signup",
    "declined_signup",
    "reordered_waiting",
    "changed_mode",
)
NEW_ACTIONS = (
    "viewed_attendance",
    "marked_attendance",
    "imported_attendance",
    "viewed_feedback",
    "exported_feedback",
)
PURPOSES = (
    "manage",
    "invitation",
    "password_reset",
    "email_change",
    "account_invitation",
    "series_manage",
    "list_unsubscribe",
)
NEW_PURPOSES = ("feedback", "materials")


def _listed(values):
    return ", ".join(f"'{value}'" for value in values)


def _allow(table, name, column, values):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
        batch_op.create_check_constraint(name, f"{column} IN ({_listed(values)})")


def upgrade():
    op.create_table(
        "feedback_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("response_key", sa.String(length=64), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("would_recommend", sa.Boolean(), nullable=True),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("created_at", app.models.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "score BETWEEN 1 AND 5", name=op.f("ck_feedback_response_score_one_to_five")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_feedback_response_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_feedback_response_registration_id_registration"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_response")),
        sa.UniqueConstraint("response_key", name=op.f("uq_feedback_response_response_key")),
    )
    with op.batch_alter_table("feedback_response", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_response_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            "uq_feedback_response_person",
            ["event_id", "registration_id"],
            unique=True,
            sqlite_where=sa.text("registration_id IS NOT NULL"),
            postgresql_where=sa.text("registration_id IS NOT NULL"),
        )

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("asks_region", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attended", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "attendance_source",
                sa.Enum(
                    "check_in",
                    "by_hand",
                    "teams_report",
                    name="attendance_source",
                    native_enum=False,
                    create_constraint=True,
                    length=20,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("attendance_marked_at", app.models.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("region", sa.String(length=60), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("person_key", sa.String(length=64), server_default="", nullable=False)
        )
    _allow("audit_entry", "audit_action", "action", ACTIONS + NEW_ACTIONS)
    _allow("token", "token_purpose", "purpose", PURPOSES + NEW_PURPOSES)


def downgrade():
    op.execute("DELETE FROM token WHERE purpose IN ('feedback', 'materials')")
    _allow("token", "token_purpose", "purpose", PURPOSES)
    op.execute(f"DELETE FROM audit_entry WHERE action IN ({_listed(NEW_ACTIONS)})")
    _allow("audit_entry", "audit_action", "action", ACTIONS)
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_registration_attendance_source"), type_="check")
        batch_op.drop_column("person_key")
        batch_op.drop_column("region")
        batch_op.drop_column("attendance_marked_at")
        batch_op.drop_column("attendance_source")
        batch_op.drop_column("attended")

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("asks_region")

    with op.batch_alter_table("feedback_response", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_feedback_response_person",
            sqlite_where=sa.text("registration_id IS NOT NULL"),
            postgresql_where=sa.text("registration_id IS NOT NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_feedback_response_event_id"))

    op.drop_table("feedback_response")
