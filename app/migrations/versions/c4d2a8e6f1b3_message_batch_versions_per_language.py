"""message_batch: a version per language (language, translations)

Revision ID: c4d2a8e6f1b3
Revises: b81f4e6a2c09
Create Date: 2026-12-06 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d2a8e6f1b3'
down_revision = 'b81f4e6a2c09'
branch_labels = None
depends_on = None


def upgrade():
    # Messages written before were in the event's language, whatever it is now: the event
    # says so best for those not yet sent.
    with op.batch_alter_table('message_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), server_default='fi', nullable=False))
        batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}', nullable=False))
    op.execute(
        "UPDATE message_batch SET language = "
        "(SELECT event.language FROM event WHERE event.id = message_batch.event_id)"
    )


def downgrade():
    with op.batch_alter_table('message_batch', schema=None) as batch_op:
        batch_op.drop_column('translations')
        batch_op.drop_column('language')
