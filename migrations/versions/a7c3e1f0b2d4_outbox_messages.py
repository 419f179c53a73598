"""outbox_messages: every email, queued in the transaction of the event that causes it

Subject, body, address, name and calendar are encrypted (EncryptedText, stored as Text) and
blanked once the message is sent.

Revision ID: a7c3e1f0b2d4
Revises: 9d927e6d292a
Create Date: 2026-12-07 02:30:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'a7c3e1f0b2d4'
down_revision = '9d927e6d292a'
branch_labels = None
depends_on = None

KINDS = (
    "'signup', 'link', 'link_reissued', 'new_semester', 'introduction', 'pair_ended', "
    "'semester_active', 'semester_closed'"
)


def upgrade():
    op.create_table(
        'outbox_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('applicant_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('dedupe_key', sa.String(length=120), nullable=True),
        sa.Column('to_name', sa.Text(), nullable=True),
        sa.Column('to_address', sa.Text(), nullable=True),
        sa.Column('subject', sa.Text(), nullable=True),
        sa.Column('body', sa.Text(), nullable=True),
        sa.Column('calendar', sa.Text(), nullable=True),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=120), nullable=True),
        sa.Column('message_id', sa.String(length=160), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('waiting', 'sent', 'failed')", name=op.f('ck_outbox_messages_status_known')
        ),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f('ck_outbox_messages_kind_known')),
        sa.CheckConstraint(
            "language IN ('ko', 'en')", name=op.f('ck_outbox_messages_language_known')
        ),
        sa.CheckConstraint(
            'attempts >= 0', name=op.f('ck_outbox_messages_attempts_not_negative')
        ),
        sa.ForeignKeyConstraint(
            ['applicant_id'], ['applicants.id'],
            name=op.f('fk_outbox_messages_applicant_id_applicants'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
        sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_messages_dedupe_key')),
        sa.UniqueConstraint('message_id', name=op.f('uq_outbox_messages_message_id')),
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_outbox_messages_applicant_id'), ['applicant_id'], unique=False
        )
        batch_op.create_index(
            'ix_outbox_messages_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_applicant_id'))
    op.drop_table('outbox_messages')
