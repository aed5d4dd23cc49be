"""check-in helpers: a third role on an event

Revision ID: c1d2e3f4a5b6
Revises: a23a79a98ff2
Create Date: 2026-11-23 15:15:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c1d2e3f4a5b6'
down_revision = 'a23a79a98ff2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event_organiser', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_organiser_organiser_role'), type_='check')
        batch_op.create_check_constraint('organiser_role', "role IN ('owner', 'co_organiser', 'helper')")


def downgrade():
    op.execute("DELETE FROM event_organiser WHERE role = 'helper'")
    with op.batch_alter_table('event_organiser', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_organiser_organiser_role'), type_='check')
        batch_op.create_check_constraint('organiser_role', "role IN ('owner', 'co_organiser')")
