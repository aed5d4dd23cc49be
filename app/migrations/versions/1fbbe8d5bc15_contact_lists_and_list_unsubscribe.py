"""contact lists, their members and co-organisers; invitation and token: list_member_id;
token purpose list_unsubscribe; audit: viewed_list_members

Revision ID: 1fbbe8d5bc15
Revises: 11addf71fcb8
Create Date: 2026-12-07 02:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import app.models.types


# revision identifiers, used by Alembic.
revision = '1fbbe8d5bc15'
down_revision = '11addf71fcb8'
branch_labels = None
depends_on = None

ACTIONS = (
    'viewed_attendees', 'viewed_door_list', 'viewed_check_in', 'exported_attendees',
    'viewed_nominations', 'viewed_nominee', 'exported_nominations', 'added_organiser',
    'removed_organiser', 'transferred_owner', 'exported_person', 'erased_person',
    'retried_mail',
    # b5e8d2f1c7a3: an account's own changes
    'changed_name', 'changed_email', 'changed_password', 'two_step_on', 'two_step_off',
    'two_step_reset', 'two_step_required', 'used_recovery_code',
    # c8e4b2d6f0a7: an organiser's changes to registrations
    'cancelled_signup', 'moved_from_waiting', 'moved_over_capacity', 'resent_confirmation',
    # b3e8d1f6a9c4: accounts
    'invited_account', 'withdrew_invitation', 'accepted_invitation', 'changed_role',
    'deactivated_account', 'reactivated_account',
    # b3d8e1f6a2c4: an organiser's changes to a registration
    'added_person', 'edited_person', 'changed_note',
)
NEW_ACTIONS = ('viewed_list_members',)
PURPOSES = (
    'manage', 'invitation', 'password_reset', 'email_change', 'account_invitation',
    # 11addf71fcb8
    'series_manage',
)
NEW_PURPOSES = ('list_unsubscribe',)


def _listed(values):
    return ', '.join(f"'{value}'" for value in values)


def _allow(table, name, column, values):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
        batch_op.create_check_constraint(name, f'{column} IN ({_listed(values)})')


def upgrade():
    op.create_table(
        'contact_list',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('purpose', sa.String(length=1000), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
        sa.Column('updated_at', app.models.types.UTCDateTime(), nullable=False),
        sa.Column('last_used_at', app.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['owner_id'], ['organiser.id'],
            name=op.f('fk_contact_list_owner_id_organiser'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_list')),
    )
    with op.batch_alter_table('contact_list', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_list_owner_id'), ['owner_id'], unique=False)
    op.create_table(
        'list_co_organiser',
        sa.Column('list_id', sa.Integer(), nullable=False),
        sa.Column('organiser_id', sa.Integer(), nullable=False),
        sa.Column('added_at', app.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['list_id'], ['contact_list.id'],
            name=op.f('fk_list_co_organiser_list_id_contact_list'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['organiser_id'], ['organiser.id'],
            name=op.f('fk_list_co_organiser_organiser_id_organiser'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('list_id', 'organiser_id', name=op.f('pk_list_co_organiser')),
    )
    with op.batch_alter_table('list_co_organiser', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_list_co_organiser_organiser_id'), ['organiser_id'], unique=False
        )
    op.create_table(
        'list_member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('list_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('email_normalised', sa.String(length=254), nullable=False),
        sa.Column('organisation', sa.String(length=200), nullable=False),
        sa.Column('locale', sa.String(length=5), nullable=False),
        sa.Column('added_at', app.models.types.UTCDateTime(), nullable=False),
        sa.Column('left_at', app.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['list_id'], ['contact_list.id'],
            name=op.f('fk_list_member_list_id_contact_list'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_list_member')),
        sa.UniqueConstraint(
            'list_id', 'email_normalised', name=op.f('uq_list_member_list_id')
        ),
    )
    with op.batch_alter_table('list_member', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_list_member_email_normalised'), ['email_normalised'], unique=False
        )
        batch_op.create_index(batch_op.f('ix_list_member_left_at'), ['left_at'], unique=False)
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('list_member_id', sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_invitation_list_member_id'), ['list_member_id'], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_invitation_list_member_id_list_member'), 'list_member',
            ['list_member_id'], ['id'], ondelete='SET NULL',
        )
    with op.batch_alter_table('token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('list_member_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_token_list_member_id'), ['list_member_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_token_list_member_id_list_member'), 'list_member',
            ['list_member_id'], ['id'], ondelete='CASCADE',
        )
    _allow('token', 'token_purpose', 'purpose', PURPOSES + NEW_PURPOSES)
    _allow('audit_entry', 'audit_action', 'action', ACTIONS + NEW_ACTIONS)


def downgrade():
    op.execute(f"DELETE FROM audit_entry WHERE action IN ({_listed(NEW_ACTIONS)})")
    _allow('audit_entry', 'audit_action', 'action', ACTIONS)
    op.execute(f"DELETE FROM token WHERE purpose IN ({_listed(NEW_PURPOSES)})")
    _allow('token', 'token_purpose', 'purpose', PURPOSES)
    with op.batch_alter_table('token', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_token_list_member_id_list_member'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_token_list_member_id'))
        batch_op.drop_column('list_member_id')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_invitation_list_member_id_list_member'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_invitation_list_member_id'))
        batch_op.drop_column('list_member_id')
    op.drop_table('list_member')
    op.drop_table('list_co_organiser')
    op.drop_table('contact_list')
