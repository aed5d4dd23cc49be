"""outbound_email.recipient_normalised, nomination.nominator_email_normalised

Addresses are matched in one form, app.text.normalise_email (NFC, case-folded), stored
beside the address as written: SQL's lower() is not that form (Straße stays Straße), so a
person's request missed their nominations and mail.

Revision ID: d7e3a1f5b9c2
Revises: c4d2a8e6f1b3
Create Date: 2026-12-06 19:30:00.000000

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7e3a1f5b9c2'
down_revision = 'c4d2a8e6f1b3'
branch_labels = None
depends_on = None

# (table, the address as written, its normal form)
COLUMNS = [
    ('outbound_email', 'recipient', 'recipient_normalised'),
    ('nomination', 'nominator_email', 'nominator_email_normalised'),
]
BATCH = 1000


def normalise_email(email):
    """app.text.normalise_email as it is at this revision."""
    return unicodedata.normalize('NFC', email or '').strip().casefold()


def upgrade():
    connection = op.get_bind()
    for table, written, normal in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(normal, sa.String(length=254), nullable=True))
        rows = connection.execute(sa.text(f'SELECT id, {written} FROM {table}')).all()
        update = sa.text(f'UPDATE {table} SET {normal} = :normal WHERE id = :id')
        for start in range(0, len(rows), BATCH):
            connection.execute(
                update,
                [{'id': id_, 'normal': normalise_email(address)} for id_, address in rows[start:start + BATCH]],
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(normal, existing_type=sa.String(length=254), nullable=False)
            batch_op.create_index(batch_op.f(f'ix_{table}_{normal}'), [normal], unique=False)


def downgrade():
    for table, _written, normal in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{normal}'))
            batch_op.drop_column(normal)
