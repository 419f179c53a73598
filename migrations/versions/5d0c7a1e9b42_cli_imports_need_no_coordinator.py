"""command-line imports need not name a coordinator account

Revision ID: 5d0c7a1e9b42
Revises: 8c411125b92c
Create Date: 2026-11-23 10:45:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5d0c7a1e9b42'
down_revision = '8c411125b92c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_applicants_import_names_its_coordinator'), type_='check')


def downgrade():
    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.create_check_constraint(
            'import_names_its_coordinator', "consent_source = 'form' OR imported_by_id IS NOT NULL"
        )
