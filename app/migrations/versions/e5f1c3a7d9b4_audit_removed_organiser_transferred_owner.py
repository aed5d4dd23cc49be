"""audit_action: removed_organiser, transferred_owner

Revision ID: e5f1c3a7d9b4
Revises: d7e3a1f5b9c2
Create Date: 2026-12-06 19:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e5f1c3a7d9b4'
down_revision = 'd7e3a1f5b9c2'
branch_labels = None
depends_on = None

BEFORE = (
    'viewed_attendees', 'viewed_door_list', 'viewed_check_in', 'exported_attendees',
    'viewed_nominations', 'viewed_nominee', 'exported_nominations', 'added_organiser',
    'exported_person', 'erased_person',
)
AFTER = BEFORE + ('removed_organiser', 'transferred_owner')


def _allow(actions):
    listed = ', '.join(f"'{action}'" for action in actions)
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_audit_entry_audit_action'), type_='check')
        batch_op.create_check_constraint('audit_action', f'action IN ({listed})')


def upgrade():
    _allow(AFTER)


def downgrade():
    op.execute("DELETE FROM audit_entry WHERE action IN ('removed_organiser', 'transferred_owner')")
    _allow(BEFORE)
