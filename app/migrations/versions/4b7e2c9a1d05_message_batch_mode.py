"""hybrid events: an organiser's message to those in person, online, or both (None)

Revision ID: 4b7e2c9a1d05
Revises: 97c260a021ec
Create Date: 2026-12-07 05:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '4b7e2c9a1d05'
down_revision = '97c260a021ec'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('message_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.Enum('in_person', 'online', name='message_mode', native_enum=False, create_constraint=True, length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('message_batch', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_message_batch_message_mode'), type_='check')
        batch_op.drop_column('mode')
