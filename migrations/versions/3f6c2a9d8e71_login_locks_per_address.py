"""login_locks: failed sign-ins counted per (account, client address), not per account

The account-wide counter (users.failed_logins, users.locked_until) let anyone who knew a
coordinator's email lock them out for as long as they kept trying. Counts now live per
(account, address hash); existing account-wide counts are dropped (they cannot be attributed
to an address), which at worst lifts a running lock once.

Revision ID: 3f6c2a9d8e71
Revises: 125cf808e536
Create Date: 2026-12-07 02:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f6c2a9d8e71'
down_revision = '125cf808e536'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_locks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('ip_hash', sa.String(length=16), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('failures >= 0', name=op.f('ck_login_locks_failures_nonnegative')),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_login_locks_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_locks')),
        sa.UniqueConstraint('user_id', 'ip_hash', name='uq_login_locks_user_address'),
    )
    with op.batch_alter_table('login_locks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_locks_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_failed_logins_nonnegative'), type_='check')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_users_failed_logins_nonnegative'), 'failed_logins >= 0'
        )
    with op.batch_alter_table('login_locks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_locks_user_id'))
    op.drop_table('login_locks')
