"""audit: an organiser cancels a registration, moves someone from the waiting list (over
the capacity too) and resends a confirmation

Revision ID: c8e4b2d6f0a7
Revises: b5e8d2f1c7a3
Create Date: 2026-12-06 22:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c8e4b2d6f0a7'
down_revision = 'b5e8d2f1c7a3'
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
]
NEW_ACTIONS = [
    'cancelled_signup', 'moved_from_waiting', 'moved_over_capacity',
    'resent_confirmation',
]


def _allow(actions):
    listed = ", ".join(f"'{action}'" for action in actions)
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_audit_entry_audit_action'), type_='check')
        batch_op.create_check_constraint('audit_action', f"action IN ({listed})")


def upgrade():
    _allow([*ACTIONS, *NEW_ACTIONS])


def downgrade():
    listed = ", ".join(f"'{action}'" for action in NEW_ACTIONS)
    op.execute(f"DELETE FROM audit_entry WHERE action IN ({listed})")
    _allow(ACTIONS)
