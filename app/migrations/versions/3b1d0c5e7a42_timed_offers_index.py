"""timed offers: a partial index of the offers standing, by when they lapse (the mail
worker looks for lapsed ones every round)

Revision ID: 3b1d0c5e7a42
Revises: 4b7e2c9a1d05
Create Date: 2026-12-07 05:40:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '3b1d0c5e7a42'
down_revision = '4b7e2c9a1d05'
branch_labels = None
depends_on = None

OFFERED = "status = 'offered'"


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index(
            'ix_registration_offer_expires',
            ['offer_expires_at'],
            unique=False,
            sqlite_where=sa.text(OFFERED),
            postgresql_where=sa.text(OFFERED),
        )


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_offer_expires')
