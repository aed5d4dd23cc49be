"""ways to take part: hybrid places per mode, groups, approval, timed offers from the
waiting list, conditional questions; registration statuses pending, declined, offered;
audit: approved_signup, declined_signup, reordered_waiting, changed_mode

Revision ID: 97c260a021ec
Revises: 1fbbe8d5bc15
Create Date: 2026-12-07 05:06:20.736415

"""
import sqlalchemy as sa
from alembic import op

import app.models.types


# revision identifiers, used by Alembic.
revision = '97c260a021ec'
down_revision = '1fbbe8d5bc15'
branch_labels = None
depends_on = None

STATUSES = ('confirmed', 'waiting', 'cancelled')
NEW_STATUSES = ('pending', 'declined', 'offered')
ACTIONS = (
    'viewed_attendees', 'viewed_door_list', 'viewed_check_in', 'exported_attendees',
    'viewed_nominations', 'viewed_nominee', 'exported_nominations', 'added_organiser',
    'removed_organiser', 'transferred_owner', 'exported_person', 'erased_person',
    'retried_mail',
    'changed_name', 'changed_email', 'changed_password', 'two_step_on', 'two_step_off',
    'two_step_reset', 'two_step_required', 'used_recovery_code',
    'cancelled_signup', 'moved_from_waiting', 'moved_over_capacity', 'resent_confirmation',
    'invited_account', 'withdrew_invitation', 'accepted_invitation', 'changed_role',
    'deactivated_account', 'reactivated_account',
    'added_person', 'edited_person', 'changed_note',
    # 1fbbe8d5bc15
    'viewed_list_members',
)
NEW_ACTIONS = ('approved_signup', 'declined_signup', 'reordered_waiting', 'changed_mode')
MODES = ('in_person', 'online')


def _listed(values):
    return ', '.join(f"'{value}'" for value in values)


def _allow(table, name, column, values):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
        batch_op.create_check_constraint(name, f'{column} IN ({_listed(values)})')


def _mode(name):
    return sa.Enum(*MODES, name=name, native_enum=False, create_constraint=True, length=20)


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('online_capacity', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('online_confirmed_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('group_size_max', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('group_rule', sa.Enum('together', 'split', name='group_rule', native_enum=False, create_constraint=True, length=20), server_default='together', nullable=False))
        batch_op.add_column(sa.Column('requires_approval', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('offer_hours', sa.Integer(), nullable=True))
        batch_op.create_check_constraint('online_capacity_positive', 'online_capacity IS NULL OR online_capacity > 0')
        batch_op.create_check_constraint('online_confirmed_not_negative', 'online_confirmed_count >= 0')
        batch_op.create_check_constraint('group_size_max_positive', 'group_size_max >= 1')
        batch_op.create_check_constraint('offer_hours_positive', 'offer_hours IS NULL OR offer_hours > 0')

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shown_if_question_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('shown_if_options', sa.JSON(), server_default='[]', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_question_shown_if_question_id_question'), 'question', ['shown_if_question_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', _mode('participation_mode'), nullable=True))
        batch_op.add_column(sa.Column('waiting_for', _mode('waiting_for_mode'), nullable=True))
        batch_op.add_column(sa.Column('group_lead_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('queue_order', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('offer_expires_at', app.models.types.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_registration_group_lead_id'), ['group_lead_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_registration_group_lead_id_registration'), 'registration', ['group_lead_id'], ['id'], ondelete='SET NULL')
    _allow('registration', 'registration_status', 'status', STATUSES + NEW_STATUSES)
    _allow('audit_entry', 'audit_action', 'action', ACTIONS + NEW_ACTIONS)


def downgrade():
    _allow('audit_entry', 'audit_action', 'action', ACTIONS)
    _allow('registration', 'registration_status', 'status', STATUSES)
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registration_group_lead_id_registration'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_registration_group_lead_id'))
        batch_op.drop_column('offer_expires_at')
        batch_op.drop_column('queue_order')
        batch_op.drop_column('group_lead_id')
        batch_op.drop_column('waiting_for')
        batch_op.drop_column('mode')

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_question_shown_if_question_id_question'), type_='foreignkey')
        batch_op.drop_column('shown_if_options')
        batch_op.drop_column('shown_if_question_id')

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_offer_hours_positive'), type_='check')
        batch_op.drop_constraint(op.f('ck_event_group_size_max_positive'), type_='check')
        batch_op.drop_constraint(op.f('ck_event_online_confirmed_not_negative'), type_='check')
        batch_op.drop_constraint(op.f('ck_event_online_capacity_positive'), type_='check')
        batch_op.drop_column('offer_hours')
        batch_op.drop_column('requires_approval')
        batch_op.drop_column('group_rule')
        batch_op.drop_column('group_size_max')
        batch_op.drop_column('online_confirmed_count')
        batch_op.drop_column('online_capacity')
