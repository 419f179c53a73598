"""encrypt applicants' personal fields (AES-GCM) and look emails up by a keyed hash

display_name, email, continue_with and note become Text holding "v1:" + base64(nonce|ciphertext);
email_hash (HMAC-SHA256 of the normalised email) carries the per-semester-and-role uniqueness.
The CHECKs that read these columns' plaintext cannot apply to ciphertext and move to Python.
Existing rows are encrypted on upgrade and decrypted on downgrade with the app's data key,
taken from the app context that `flask db` runs in (matcher.crypto.keys installs it there).
The v1 format and key derivation are copied here on purpose: a migration must keep producing
exactly what it produced on the day it was written, whatever the app code becomes.

Revision ID: 888ec8cf4117
Revises: 5d0c7a1e9b42
Create Date: 2026-11-23 11:00:00

"""
import base64
import hashlib
import hmac
import os

import sqlalchemy as sa
from alembic import op
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

# revision identifiers, used by Alembic.
revision = '888ec8cf4117'
down_revision = '5d0c7a1e9b42'
branch_labels = None
depends_on = None

FIELDS = {'display_name': 80, 'email': 254, 'continue_with': 254, 'note': 500}
PREFIX = 'v1:'
NONCE_BYTES = 12

applicants = sa.table(
    'applicants',
    sa.column('id', sa.Integer),
    sa.column('email_hash', sa.String),
    *(sa.column(name, sa.Text) for name in FIELDS),
)


def _derived(label):
    root = current_app.extensions['data_keys'].root
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(root)


def _rows():
    return op.get_bind().execute(
        sa.select(applicants.c.id, *(applicants.c[name] for name in FIELDS))
    ).all()


def upgrade():
    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_hash', sa.String(length=64), nullable=True))
        batch_op.drop_constraint('uq_applicants_semester_role_email', type_='unique')
        batch_op.drop_constraint(op.f('ck_applicants_email_lowercase'), type_='check')
        batch_op.drop_constraint(op.f('ck_applicants_display_name_length'), type_='check')
        batch_op.drop_constraint(op.f('ck_applicants_note_length'), type_='check')
        for name, length in FIELDS.items():
            batch_op.alter_column(
                name, existing_type=sa.String(length=length), type_=sa.Text(),
                existing_nullable=name in ('continue_with', 'note'),
            )

    cipher = AESGCM(_derived(b'lelp-match applicant fields v1'))
    hash_key = _derived(b'lelp-match email lookup v1')

    def seal(value, column):
        if value is None:
            return None
        nonce = os.urandom(NONCE_BYTES)
        sealed = cipher.encrypt(nonce, value.encode('utf-8'), column.encode())
        return PREFIX + base64.b64encode(nonce + sealed).decode('ascii')

    updates = []
    for row in _rows():
        email = row.email.strip().lower()
        values = {name: seal(getattr(row, name), name) for name in FIELDS}
        values['email_hash'] = hmac.new(hash_key, email.encode('utf-8'), hashlib.sha256).hexdigest()
        updates.append({'row_id': row.id, **values})
    if updates:
        op.get_bind().execute(
            applicants.update()
            .where(applicants.c.id == sa.bindparam('row_id'))
            .values({name: sa.bindparam(name) for name in [*FIELDS, 'email_hash']}),
            updates,
        )

    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.alter_column('email_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(
            'uq_applicants_semester_role_email_hash', ['semester_id', 'role', 'email_hash']
        )


def downgrade():
    cipher = AESGCM(_derived(b'lelp-match applicant fields v1'))

    def opened(value, column):
        if value is None:
            return None
        if not value.startswith(PREFIX):
            raise RuntimeError(f'applicants.{column}: a value is not in the v1 encrypted format')
        blob = base64.b64decode(value[len(PREFIX):])
        return cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], column.encode()).decode('utf-8')

    updates = [
        {'row_id': row.id, **{name: opened(getattr(row, name), name) for name in FIELDS}}
        for row in _rows()
    ]

    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.drop_constraint('uq_applicants_semester_role_email_hash', type_='unique')
    if updates:
        op.get_bind().execute(
            applicants.update()
            .where(applicants.c.id == sa.bindparam('row_id'))
            .values({name: sa.bindparam(name) for name in FIELDS}),
            updates,
        )

    with op.batch_alter_table('applicants', schema=None) as batch_op:
        for name, length in FIELDS.items():
            batch_op.alter_column(
                name, existing_type=sa.Text(), type_=sa.String(length=length),
                existing_nullable=name in ('continue_with', 'note'),
            )
        batch_op.drop_column('email_hash')
        batch_op.create_check_constraint(
            op.f('ck_applicants_note_length'), 'note IS NULL OR length(note) <= 500'
        )
        batch_op.create_check_constraint(
            op.f('ck_applicants_display_name_length'), 'length(display_name) BETWEEN 1 AND 80'
        )
        batch_op.create_check_constraint(op.f('ck_applicants_email_lowercase'), 'email = lower(email)')
        batch_op.create_unique_constraint(
            'uq_applicants_semester_role_email', ['semester_id', 'role', 'email']
        )
