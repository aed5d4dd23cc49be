"""sign_in_session: sessions kept on the server; organiser.session_version goes

Revision ID: a7f3c2e9d4b1
Revises: d7e3f9a1b5c2
Create Date: 2026-12-06 19:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models


# revision identifiers, used by Alembic.
revision = 'a7f3c2e9d4b1'
down_revision = 'd7e3f9a1b5c2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', app.models.types.UTCDateTime(), nullable=False),
    sa.Column('ended_at', app.models.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['organiser_id'], ['organiser.id'], name=op.f('fk_sign_in_session_organiser_id_organiser'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_session')),
    sa.UniqueConstraint('hash', name=op.f('uq_sign_in_session_hash'))
    )
    with op.batch_alter_table('sign_in_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_session_organiser_id'), ['organiser_id'], unique=False)
    # Sessions signed in before this have no row, so they end: everyone signs in once more.
    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.drop_column('session_version')


def downgrade():
    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('sign_in_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_session_organiser_id'))
    op.drop_table('sign_in_session')
