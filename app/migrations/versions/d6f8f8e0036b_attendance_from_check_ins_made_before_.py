"""attendance from check-ins made before check-in marked it: each person checked in at the
door and not yet marked is marked as attended, by check-in, when they arrived (as
app.attendance.services.note_arrival marks a check-in from now on)

Revision ID: d6f8f8e0036b
Revises: ab85cd835d2e
Create Date: 2026-12-07 08:57:28.795526

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d6f8f8e0036b"
down_revision = 'ab85cd835d2e'
branch_labels = None
depends_on = None

registration = sa.table(
    "registration",
    sa.column("status", sa.String),
    sa.column("checked_in_at", sa.DateTime),
    sa.column("attended", sa.Boolean),
    sa.column("attendance_source", sa.String),
    sa.column("attendance_marked_at", sa.DateTime),
)


def upgrade():
    op.execute(
        registration.update()
        .where(
            registration.c.status == "confirmed",
            registration.c.checked_in_at.is_not(None),
            registration.c.attended.is_(None),
        )
        .values(
            attended=True,
            attendance_source="check_in",
            attendance_marked_at=registration.c.checked_in_at,
        )
    )


def downgrade():
    # Every mark made from a check-in goes, those made since too: before this revision
    # a check-in marked nothing (the columns stay, from 0775d4838b48).
    op.execute(
        registration.update()
        .where(registration.c.attendance_source == "check_in")
        .values(attended=None, attendance_source=None, attendance_marked_at=None)
    )
