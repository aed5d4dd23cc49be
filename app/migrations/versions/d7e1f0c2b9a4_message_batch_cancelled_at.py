"""message_batch cancelled_at: a scheduled message can be cancelled before it is due

Revision ID: d7e1f0c2b9a4
Revises: c1d2e3f4a5b6
Create Date: 2026-12-02 07:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models


# revision identifiers, used by Alembic.
revision = 'd7e1f0c2b9a4'
down_revision = 'c1d2e3f4a5b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('message_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', app.models.types.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('message_batch', schema=None) as batch_op:
        batch_op.drop_column('cancelled_at')
