"""private_links (every emailed link keeps working) and applicants.share_contact (default no)

Existing applicants get share_contact = false: nobody shared an email they were never asked about.

Revision ID: b8d4f2a1c3e5
Revises: a7c3e1f0b2d4
Create Date: 2026-12-07 02:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8d4f2a1c3e5'
down_revision = 'a7c3e1f0b2d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'private_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('applicant_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['applicant_id'], ['applicants.id'],
            name=op.f('fk_private_links_applicant_id_applicants'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_private_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_private_links_token_hash')),
    )
    with op.batch_alter_table('private_links', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_private_links_applicant_id'), ['applicant_id'], unique=False
        )
    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('share_contact', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.drop_column('share_contact')
    with op.batch_alter_table('private_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_private_links_applicant_id'))
    op.drop_table('private_links')
