"""series_booking, booked_registration; token purpose series_manage

Revision ID: 11addf71fcb8
Revises: c4a9e2f7b1d3
Create Date: 2026-12-07 02:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import app.models.types


# revision identifiers, used by Alembic.
revision = '11addf71fcb8'
down_revision = 'c4a9e2f7b1d3'
branch_labels = None
depends_on = None

PURPOSES = ['manage', 'invitation', 'password_reset', 'email_change', 'account_invitation']


def _allow(table, name, column, values):
    listed = ", ".join(f"'{value}'" for value in values)
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
        batch_op.create_check_constraint(name, f"{column} IN ({listed})")


def upgrade():
    op.create_table(
        'series_booking',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('series_id', sa.Integer(), nullable=False),
        sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['series_id'], ['series.id'],
            name=op.f('fk_series_booking_series_id_series'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_series_booking')),
    )
    with op.batch_alter_table('series_booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_series_booking_series_id'), ['series_id'], unique=False)
    op.create_table(
        'booked_registration',
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['booking_id'], ['series_booking.id'],
            name=op.f('fk_booked_registration_booking_id_series_booking'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['registration_id'], ['registration.id'],
            name=op.f('fk_booked_registration_registration_id_registration'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('registration_id', name=op.f('pk_booked_registration')),
    )
    with op.batch_alter_table('booked_registration', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_booked_registration_booking_id'), ['booking_id'], unique=False
        )
    _allow('token', 'token_purpose', 'purpose', [*PURPOSES, 'series_manage'])


def downgrade():
    op.execute("DELETE FROM token WHERE purpose = 'series_manage'")
    _allow('token', 'token_purpose', 'purpose', PURPOSES)
    with op.batch_alter_table('booked_registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booked_registration_booking_id'))
    op.drop_table('booked_registration')
    with op.batch_alter_table('series_booking', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_series_booking_series_id'))
    op.drop_table('series_booking')
