"""outbound_email due index in the workers' claim order (status, send_after, id)

Revision ID: b81f4e6a2c09
Revises: a3c9e5d1b7f2
Create Date: 2026-12-02 17:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b81f4e6a2c09'
down_revision = 'a3c9e5d1b7f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbound_email', schema=None) as batch_op:
        batch_op.drop_index('ix_outbound_email_due')
        batch_op.create_index('ix_outbound_email_due', ['status', 'send_after', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('outbound_email', schema=None) as batch_op:
        batch_op.drop_index('ix_outbound_email_due')
        batch_op.create_index('ix_outbound_email_due', ['status', 'send_after'], unique=False)
