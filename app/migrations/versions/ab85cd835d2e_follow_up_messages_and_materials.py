"""after the event: an event's materials (links and files) and its follow-up messages

Revision ID: ab85cd835d2e
Revises: 643d1f9a5b8f
Create Date: 2026-12-07 08:32:36.143245

"""

import sqlalchemy as sa
from alembic import op

import app.models

# revision identifiers, used by Alembic.
revision = "ab85cd835d2e"
down_revision = '643d1f9a5b8f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "follow_up_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column(
            "audience",
            sa.Enum(
                "attended",
                "absent",
                name="follow_up_audience",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("include_materials", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("send_after", app.models.types.UTCDateTime(), nullable=False),
        sa.Column("created_at", app.models.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.models.types.UTCDateTime(), nullable=False),
        sa.Column("cancelled_at", app.models.types.UTCDateTime(), nullable=True),
        sa.Column("queued_at", app.models.types.UTCDateTime(), nullable=True),
        sa.Column("queued_count", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["organiser.id"],
            name=op.f("fk_follow_up_message_author_id_organiser"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_follow_up_message_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_message")),
        sa.UniqueConstraint("event_id", "audience", name=op.f("uq_follow_up_message_event_id")),
    )
    with op.batch_alter_table("follow_up_message", schema=None) as batch_op:
        batch_op.create_index("ix_follow_up_message_due", ["queued_at", "send_after"])

    op.create_table(
        "material",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("filename", sa.String(length=200), server_default="", nullable=False),
        sa.Column("content_type", sa.String(length=100), server_default="", nullable=False),
        sa.Column("size", sa.Integer(), server_default="0", nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", app.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(url IS NULL) <> (data IS NULL)", name=op.f("ck_material_link_or_file")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_material_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material")),
    )
    with op.batch_alter_table("material", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_material_event_id"), ["event_id"])


def downgrade():
    with op.batch_alter_table("material", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_material_event_id"))
    op.drop_table("material")
    with op.batch_alter_table("follow_up_message", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_up_message_due")
    op.drop_table("follow_up_message")
