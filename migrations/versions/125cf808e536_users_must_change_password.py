"""users.must_change_password: an admin-issued temporary password must be replaced at sign-in

Existing accounts get false (server default), so nobody is sent to the password page by the
upgrade itself; only accounts created or reset with a temporary password from now on are.

Revision ID: 125cf808e536
Revises: 888ec8cf4117
Create Date: 2026-11-23 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '125cf808e536'
down_revision = '888ec8cf4117'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
