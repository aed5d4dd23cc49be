"""account invitations, check-in helper accounts, and their audit actions and token purpose

Revision ID: b3e8d1f6a9c4
Revises: c8e4b2d6f0a7
Create Date: 2026-12-06 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models


# revision identifiers, used by Alembic.
revision = 'b3e8d1f6a9c4'
down_revision = 'c8e4b2d6f0a7'
branch_labels = None
depends_on = None

ACTIONS = [
    'viewed_attendees', 'viewed_door_list', 'viewed_check_in', 'exported_attendees',
    'viewed_nominations', 'viewed_nominee', 'exported_nominations', 'added_organiser',
    'exported_person', 'erased_person', 'removed_organiser', 'transferred_owner',
    'retried_mail',
    # b5e8d2f1c7a3: an account's own changes
    'changed_name', 'changed_email', 'changed_password', 'two_step_on', 'two_step_off',
    'two_step_reset', 'two_step_required', 'used_recovery_code',
    # c8e4b2d6f0a7: an organiser's changes to registrations
    'cancelled_signup', 'moved_from_waiting', 'moved_over_capacity', 'resent_confirmation',
]
NEW_ACTIONS = [
    'invited_account', 'withdrew_invitation', 'accepted_invitation', 'changed_role',
    'deactivated_account', 'reactivated_account',
]
PURPOSES = ['manage', 'invitation', 'password_reset', 'email_change']


def _allow(table, name, column, values):
    listed = ", ".join(f"'{value}'" for value in values)
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
        batch_op.create_check_constraint(name, f"{column} IN ({listed})")


def upgrade():
    op.create_table('account_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.Enum('admin', 'organiser', 'helper', name='account_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('event_role', sa.Enum('owner', 'co_organiser', 'helper', name='organiser_role', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', app.models.types.UTCDateTime(), nullable=False),
    sa.Column('accepted_at', app.models.types.UTCDateTime(), nullable=True),
    sa.Column('withdrawn_at', app.models.types.UTCDateTime(), nullable=True),
    sa.Column('sends', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_account_invitation_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['organiser.id'], name=op.f('fk_account_invitation_invited_by_id_organiser'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_invitation'))
    )
    with op.batch_alter_table('account_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_invitation_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_invitation_event_id'), ['event_id'], unique=False)
    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_in_only', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_invitation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_token_account_invitation_id'), ['account_invitation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_token_account_invitation_id_account_invitation'), 'account_invitation', ['account_invitation_id'], ['id'], ondelete='CASCADE')
    _allow('token', 'token_purpose', 'purpose', [*PURPOSES, 'account_invitation'])
    _allow('audit_entry', 'audit_action', 'action', [*ACTIONS, *NEW_ACTIONS])


def downgrade():
    listed = ", ".join(f"'{action}'" for action in NEW_ACTIONS)
    op.execute(f"DELETE FROM audit_entry WHERE action IN ({listed})")
    _allow('audit_entry', 'audit_action', 'action', ACTIONS)
    op.execute("DELETE FROM token WHERE purpose = 'account_invitation'")
    _allow('token', 'token_purpose', 'purpose', PURPOSES)
    with op.batch_alter_table('token', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_token_account_invitation_id_account_invitation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_token_account_invitation_id'))
        batch_op.drop_column('account_invitation_id')
    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.drop_column('check_in_only')
    with op.batch_alter_table('account_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_invitation_event_id'))
        batch_op.drop_index(batch_op.f('ix_account_invitation_email'))
    op.drop_table('account_invitation')
