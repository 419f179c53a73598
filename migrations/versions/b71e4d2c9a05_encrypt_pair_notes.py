"""encrypt coordinators' free-text notes: end reasons, override notes, exclusion reasons

matches.end_reason, matches.manual_override_note and exclusions.reason can name people, yet
were plain text in the database, its dumps and backups. They become Text holding the same
"v1:" AES-GCM format as the applicants' fields (888ec8cf4117), bound to the names
end_reason, manual_override_note and exclusion_reason. The length CHECK on exclusions.reason
cannot read ciphertext and moves to the model. Existing rows are encrypted on upgrade and
decrypted on downgrade with the app's data key (the app context `flask db` runs in). The
format is copied here on purpose: a migration must keep producing what it produced the day
it was written, whatever the app code becomes.

Revision ID: b71e4d2c9a05
Revises: e4b9c2d7a1f3
Create Date: 2026-12-07 02:40:00

"""
import base64
import os

import sqlalchemy as sa
from alembic import op
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

# revision identifiers, used by Alembic.
revision = 'b71e4d2c9a05'
down_revision = 'e4b9c2d7a1f3'
branch_labels = None
depends_on = None

PREFIX = 'v1:'
NONCE_BYTES = 12
# table -> {column: the name its ciphertext is bound to (AES-GCM associated data)}
COLUMNS = {
    'matches': {'end_reason': 'end_reason', 'manual_override_note': 'manual_override_note'},
    'exclusions': {'reason': 'exclusion_reason'},
}
NULLABLE = {'end_reason': True, 'manual_override_note': True, 'reason': False}


def _cipher():
    root = current_app.extensions['data_keys'].root
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b'lelp-match applicant fields v1'
    ).derive(root)
    return AESGCM(key)


def _table(name):
    return sa.table(name, sa.column('id', sa.Integer), *(sa.column(c, sa.Text) for c in COLUMNS[name]))


def _rewrite(name, change):
    """Apply change(value, bound_name) to every non-null value of the table's note columns."""
    table = _table(name)
    bind = op.get_bind()
    rows = bind.execute(sa.select(table)).all()
    updates = [
        {
            'row_id': row.id,
            **{
                column: None if getattr(row, column) is None else change(getattr(row, column), bound)
                for column, bound in COLUMNS[name].items()
            },
        }
        for row in rows
    ]
    if updates:
        bind.execute(
            table.update()
            .where(table.c.id == sa.bindparam('row_id'))
            .values({column: sa.bindparam(column) for column in COLUMNS[name]}),
            updates,
        )


def upgrade():
    for name, columns in COLUMNS.items():
        with op.batch_alter_table(name, schema=None) as batch_op:
            if name == 'exclusions':
                batch_op.drop_constraint(op.f('ck_exclusions_reason_given'), type_='check')
            for column in columns:
                batch_op.alter_column(
                    column, existing_type=sa.String(length=500), type_=sa.Text(),
                    existing_nullable=NULLABLE[column],
                )
    cipher = _cipher()

    def seal(value, bound):
        nonce = os.urandom(NONCE_BYTES)
        sealed = cipher.encrypt(nonce, value.encode('utf-8'), bound.encode())
        return PREFIX + base64.b64encode(nonce + sealed).decode('ascii')

    for name in COLUMNS:
        _rewrite(name, seal)


def downgrade():
    cipher = _cipher()

    def opened(value, bound):
        if not value.startswith(PREFIX):
            raise RuntimeError(f'{bound}: a value is not in the v1 encrypted format')
        blob = base64.b64decode(value[len(PREFIX):])
        return cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], bound.encode()).decode('utf-8')

    for name in COLUMNS:
        _rewrite(name, opened)
    for name, columns in COLUMNS.items():
        with op.batch_alter_table(name, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(
                    column, existing_type=sa.Text(), type_=sa.String(length=500),
                    existing_nullable=NULLABLE[column],
                )
            if name == 'exclusions':
                batch_op.create_check_constraint(
                    op.f('ck_exclusions_reason_given'), 'length(reason) >= 1'
                )
