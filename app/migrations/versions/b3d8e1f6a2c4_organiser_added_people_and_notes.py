"""registration: note, source organiser, address optional; audit: added/edited person, note

Revision ID: b3d8e1f6a2c4
Revises: b3e8d1f6a9c4
Create Date: 2026-12-06 22:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b3d8e1f6a2c4'
down_revision = 'b3e8d1f6a9c4'
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
)
NEW_ACTIONS = ('added_person', 'edited_person', 'changed_note')
SOURCES = ('signup', 'invitation', 'nomination')
LIVE = "status != 'cancelled'"
LIVE_ADDRESS = f"{LIVE} AND email_normalised != ''"


def _listed(values):
    return ', '.join(f"'{value}'" for value in values)


def _allow(actions, sources):
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_audit_entry_audit_action'), type_='check')
        batch_op.create_check_constraint('audit_action', f'action IN ({_listed(actions)})')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_registration_registration_source'), type_='check')
        batch_op.create_check_constraint(
            'registration_source', f'source IN ({_listed(sources)})'
        )


def _unique_address(where):
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('uq_registration_live_email')
        batch_op.create_index(
            'uq_registration_live_email',
            ['event_id', 'email_normalised'],
            unique=True,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('note', sa.String(length=1000), server_default='', nullable=False)
        )
    _allow(ACTIONS + NEW_ACTIONS, SOURCES + ('organiser',))
    _unique_address(LIVE_ADDRESS)


def downgrade():
    # Without the partial rule, people without an address would collide: they go first.
    op.execute("DELETE FROM registration WHERE email_normalised = ''")
    _unique_address(LIVE)
    op.execute("UPDATE registration SET source = 'signup' WHERE source = 'organiser'")
    op.execute(f"DELETE FROM audit_entry WHERE action IN ({_listed(NEW_ACTIONS)})")
    _allow(ACTIONS, SOURCES)
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('note')
