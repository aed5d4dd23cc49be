"""audit: an admin's retry of undelivered mail; outbound_email.sent_at indexed

Revision ID: d7e3f9a1b5c2
Revises: e5f1c3a7d9b4
Create Date: 2026-12-06 19:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd7e3f9a1b5c2'
down_revision = 'e5f1c3a7d9b4'
branch_labels = None
depends_on = None

ACTIONS = [
    'viewed_attendees', 'viewed_door_list', 'viewed_check_in', 'exported_attendees',
    'viewed_nominations', 'viewed_nominee', 'exported_nominations', 'added_organiser',
    'exported_person', 'erased_person', 'removed_organiser', 'transferred_owner',
]


def _allow(actions):
    listed = ", ".join(f"'{action}'" for action in actions)
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_audit_entry_audit_action'), type_='check')
        batch_op.create_check_constraint('audit_action', f"action IN ({listed})")


def upgrade():
    _allow([*ACTIONS, 'retried_mail'])
    # The public forms' hourly limit counts the mail sent within the hour.
    with op.batch_alter_table('outbound_email', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbound_email_sent_at'), ['sent_at'], unique=False)


def downgrade():
    with op.batch_alter_table('outbound_email', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbound_email_sent_at'))
    op.execute("DELETE FROM audit_entry WHERE action = 'retried_mail'")
    _allow(ACTIONS)
