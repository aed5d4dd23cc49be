"""own profile and two-step sign-in: TOTP columns, recovery codes, site settings,
email-change tokens, their audit actions

Revision ID: b5e8d2f1c7a3
Revises: a7f3c2e9d4b1
Create Date: 2026-12-06 22:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models


# revision identifiers, used by Alembic.
revision = 'b5e8d2f1c7a3'
down_revision = 'a7f3c2e9d4b1'
branch_labels = None
depends_on = None

ACTIONS = [
    'viewed_attendees', 'viewed_door_list', 'viewed_check_in', 'exported_attendees',
    'viewed_nominations', 'viewed_nominee', 'exported_nominations', 'added_organiser',
    'exported_person', 'erased_person', 'removed_organiser', 'transferred_owner',
    'retried_mail',
]
NEW_ACTIONS = [
    'changed_name', 'changed_email', 'changed_password', 'two_step_on', 'two_step_off',
    'two_step_reset', 'two_step_required', 'used_recovery_code',
]
PURPOSES = ['manage', 'invitation', 'password_reset']


def _allow(table, column, constraint, values):
    listed = ", ".join(f"'{value}'" for value in values)
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f'ck_{table}_{constraint}'), type_='check')
        batch_op.create_check_constraint(constraint, f"{column} IN ({listed})")


def upgrade():
    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
    sa.Column('used_at', app.models.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['organiser_id'], ['organiser.id'], name=op.f('fk_recovery_code_organiser_id_organiser'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_organiser_id'), ['organiser_id'], unique=False)
    op.create_table('site_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('require_two_step_admins', sa.Boolean(), nullable=False),
    sa.Column('require_two_step_sensitive', sa.Boolean(), nullable=False),
    sa.Column('updated_at', app.models.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_settings'))
    )
    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('two_step_since', app.models.types.UTCDateTime(), nullable=True))
    with op.batch_alter_table('token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
    _allow('token', 'purpose', 'token_purpose', [*PURPOSES, 'email_change'])
    _allow('audit_entry', 'action', 'audit_action', [*ACTIONS, *NEW_ACTIONS])


def downgrade():
    listed = ", ".join(f"'{action}'" for action in NEW_ACTIONS)
    op.execute(f"DELETE FROM audit_entry WHERE action IN ({listed})")
    _allow('audit_entry', 'action', 'audit_action', ACTIONS)
    op.execute("DELETE FROM token WHERE purpose = 'email_change'")
    _allow('token', 'purpose', 'token_purpose', PURPOSES)
    with op.batch_alter_table('token', schema=None) as batch_op:
        batch_op.drop_column('email')
    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.drop_column('two_step_since')
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_secret')
    op.drop_table('site_settings')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_organiser_id'))
    op.drop_table('recovery_code')
