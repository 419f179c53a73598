"""pair_sessions: each pair's weekly session, who accepted it and when it was agreed (issue 15)

Revision ID: c3a7e5d1f902
Revises: 3f6c2a9d8e71
Create Date: 2026-12-07 02:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3a7e5d1f902'
down_revision = '3f6c2a9d8e71'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pair_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('match_id', sa.Integer(), nullable=False),
        sa.Column('starts', sa.Text(), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('student_accepted', sa.Boolean(), nullable=False),
        sa.Column('tutor_accepted', sa.Boolean(), nullable=False),
        sa.Column('agreed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('changed_by', sa.String(length=12), nullable=False),
        sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('overlaps', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('minutes BETWEEN 15 AND 240', name=op.f('ck_pair_sessions_minutes_range')),
        sa.CheckConstraint('revision >= 1', name=op.f('ck_pair_sessions_revision_positive')),
        sa.CheckConstraint(
            '(agreed_at IS NOT NULL) = (student_accepted AND tutor_accepted)',
            name=op.f('ck_pair_sessions_agreed_exactly_when_both_accepted'),
        ),
        sa.ForeignKeyConstraint(
            ['match_id'], ['matches.id'], name=op.f('fk_pair_sessions_match_id_matches'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pair_sessions')),
        sa.UniqueConstraint('match_id', name=op.f('uq_pair_sessions_match_id')),
    )


def downgrade():
    op.drop_table('pair_sessions')
