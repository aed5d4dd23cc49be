"""series; event: series_id, region

Revision ID: c4a9e2f7b1d3
Revises: b3d8e1f6a2c4
Create Date: 2026-12-07 01:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

import app.models.types


# revision identifiers, used by Alembic.
revision = 'c4a9e2f7b1d3'
down_revision = 'b3d8e1f6a2c4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'series',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('translations', sa.JSON(), nullable=False),
        sa.Column('rule', sa.JSON(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
        sa.Column('ended_at', app.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['organiser.id'],
            name=op.f('fk_series_created_by_id_organiser'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
        sa.UniqueConstraint('slug', name=op.f('uq_series_slug')),
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region', sa.String(length=60), server_default='', nullable=False))
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_series_id'), ['series_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_event_series_id_series'), 'series', ['series_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_series_id_series'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_event_series_id'))
        batch_op.drop_column('series_id')
        batch_op.drop_column('region')
    op.drop_table('series')
