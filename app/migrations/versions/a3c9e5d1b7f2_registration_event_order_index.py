"""registration (event_id, id) index: an event's people read in order without a sort

Revision ID: a3c9e5d1b7f2
Revises: e2b7c4d9f1a3
Create Date: 2026-12-02 17:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a3c9e5d1b7f2'
down_revision = 'e2b7c4d9f1a3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index('ix_registration_event_order', ['event_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_event_order')
