"""feedback settings: an event's feedback form (on or off, anonymous, who is asked, when
it is sent and closes, the organiser's own questions, how many were asked)

Revision ID: 643d1f9a5b8f
Revises: 0775d4838b48
Create Date: 2026-12-07 08:32:19.540407

"""

import sqlalchemy as sa
from alembic import op

import app.models

# revision identifiers, used by Alembic.
revision = "643d1f9a5b8f"
down_revision = "0775d4838b48"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "feedback_settings",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "audience",
            sa.Enum(
                "attended",
                "had_place",
                name="feedback_audience",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("sends_at", app.models.types.UTCDateTime(), nullable=False),
        sa.Column("closes_at", app.models.types.UTCDateTime(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("planned_at", app.models.types.UTCDateTime(), nullable=True),
        sa.Column("asked", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_feedback_settings_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_feedback_settings")),
    )


def downgrade():
    op.drop_table("feedback_settings")
