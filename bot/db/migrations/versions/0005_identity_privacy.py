"""identity and privacy: verified phone numbers, phone claims, data requests, stopped chats

A patient's `phone_e164` is from now on only a verified number. Numbers already on records that
staff created or that texted us are marked verified; a number typed in Telegram before this
revision was never checked, so it moves to an unverified claim (the patient can confirm it with
a code next time they book) and stops being that record's SMS identity.

Revision ID: 0005
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import bot.db.types

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("phone_verified_at", bot.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "phone_verified_via", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "care_messages_stopped_at", bot.db.types.UTCDateTime(timezone=True), nullable=True
            )
        )
    op.create_table(
        "phone_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("phone_e164", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("code_salt", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("verified_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("superseded_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("phone_claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phone_claim_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_phone_claim_patient_id"), ["patient_id"], unique=False)
    op.create_table(
        "data_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("requested_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("decided_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("completed_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("data_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_request_patient_id"), ["patient_id"], unique=False
        )
    # Numbers staff entered or that texted us in are verified; typed ones become claims.
    op.execute(
        "UPDATE patient SET phone_verified_at = created_at, phone_verified_via = "
        "CASE WHEN created_by LIKE 'staff:%' THEN 'staff' ELSE 'sms' END "
        "WHERE phone_e164 IS NOT NULL AND created_by IS NOT NULL"
    )
    op.execute(
        "INSERT INTO phone_claim (patient_id, telegram_user_id, phone_e164, created_at, "
        "expires_at, attempts) SELECT id, telegram_user_id, phone_e164, created_at, created_at, 0 "
        "FROM patient WHERE phone_e164 IS NOT NULL AND phone_verified_at IS NULL"
    )
    op.execute("UPDATE patient SET phone_e164 = NULL WHERE phone_verified_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("data_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_request_patient_id"))
    op.drop_table("data_request")
    with op.batch_alter_table("phone_claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phone_claim_patient_id"))
        batch_op.drop_index(batch_op.f("ix_phone_claim_created_at"))
    op.drop_table("phone_claim")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_column("care_messages_stopped_at")
        batch_op.drop_column("phone_verified_via")
        batch_op.drop_column("phone_verified_at")
