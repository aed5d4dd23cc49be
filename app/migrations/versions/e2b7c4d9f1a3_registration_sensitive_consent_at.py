"""registration sensitive_consent_at: when the explicit consent to sensitive answers was given

Revision ID: e2b7c4d9f1a3
Revises: d7e1f0c2b9a4
Create Date: 2026-12-02 08:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models


# revision identifiers, used by Alembic.
revision = 'e2b7c4d9f1a3'
down_revision = 'd7e1f0c2b9a4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sensitive_consent_at', app.models.types.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('sensitive_consent_at')
