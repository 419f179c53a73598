"""outbox_messages.kind: 'session' (the weekly session was accepted, changed, agreed or set)

Revision ID: e4b9c2d7a1f3
Revises: b8d4f2a1c3e5
Create Date: 2026-12-07 03:45:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e4b9c2d7a1f3'
down_revision = 'b8d4f2a1c3e5'
branch_labels = None
depends_on = None

OLD = (
    "'signup', 'link', 'link_reissued', 'new_semester', 'introduction', 'pair_ended', "
    "'semester_active', 'semester_closed'"
)
NEW = OLD + ", 'session'"


def _kinds(kinds: str) -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_messages_kind_known'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_outbox_messages_kind_known'), f"kind IN ({kinds})"
        )


def upgrade():
    _kinds(NEW)


def downgrade():
    op.execute("DELETE FROM outbox_messages WHERE kind = 'session'")
    _kinds(OLD)
