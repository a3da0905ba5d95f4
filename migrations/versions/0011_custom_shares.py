"""pools: custom shares, one row per place with its agreed amount (docs/pools.md, "Shares")

pool_places: each place of a custom-share pool, its amount and the live member holding it
(unique, so a member holds one place and a place one member). Existing pools have no places
and keep share_rule 'equal', so an existing database upgrades with its rows untouched.

Triggers keep the money rules in the database, on SQLite and PostgreSQL alike:
- a member goes into a place only at exactly its amount (pledged and share), in its pool;
- a place's amount never changes, and no place is added once anyone has pledged;
- a pool becomes funded only when its secured shares add up to its target exactly and, with
  custom shares, every place is taken.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 15:10:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

WRONG_AMOUNT = "a pool member takes a place only at exactly its amount, in its pool"
FIXED = "the share of a place cannot change, and no place is added once anyone has pledged"
SHORT = "a pool is funded only when its shares add up to its target and every place is taken"

#: The conditions, shared by both databases' triggers (NEW is the row being written).
MEMBER_MISMATCH = """NEW.member_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM pool_members m WHERE m.id = NEW.member_id AND m.pool_id = NEW.pool_id
    AND m.share_pence = NEW.share_pence AND m.pledged_pence = NEW.share_pence)"""
ALREADY_PLEDGED = "EXISTS (SELECT 1 FROM pool_members m WHERE m.pool_id = NEW.pool_id)"
SHORT_OF_TARGET = """NEW.state = 'funded' AND OLD.state <> 'funded' AND (
    (SELECT coalesce(sum(m.share_pence), 0) FROM pool_members m
     WHERE m.pool_id = NEW.id AND m.state IN ('secured', 'paid')) <> NEW.target_pence
    OR EXISTS (SELECT 1 FROM pool_places p WHERE p.pool_id = NEW.id AND p.member_id IS NULL)
    OR (NEW.share_rule = 'custom' AND (SELECT coalesce(sum(p.share_pence), 0)
        FROM pool_places p WHERE p.pool_id = NEW.id) <> NEW.target_pence))"""

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER pool_places_member_pays_the_place_on_insert BEFORE INSERT ON pool_places
    WHEN {MEMBER_MISMATCH} BEGIN SELECT RAISE(ABORT, '{WRONG_AMOUNT}'); END""",
    f"""CREATE TRIGGER pool_places_member_pays_the_place BEFORE UPDATE OF member_id ON pool_places
    WHEN {MEMBER_MISMATCH} BEGIN SELECT RAISE(ABORT, '{WRONG_AMOUNT}'); END""",
    f"""CREATE TRIGGER pool_places_amount_fixed BEFORE UPDATE OF pool_id, place, share_pence
    ON pool_places BEGIN SELECT RAISE(ABORT, '{FIXED}'); END""",
    f"""CREATE TRIGGER pool_places_none_added_after_pledges BEFORE INSERT ON pool_places
    WHEN {ALREADY_PLEDGED} BEGIN SELECT RAISE(ABORT, '{FIXED}'); END""",
    f"""CREATE TRIGGER pools_funded_only_at_target BEFORE UPDATE OF state ON pools
    WHEN {SHORT_OF_TARGET} BEGIN SELECT RAISE(ABORT, '{SHORT}'); END""",
)

#: OR REPLACE: the functions outlive the tables when a test drops every table and migrates.
POSTGRESQL_TRIGGERS = (
    f"""CREATE OR REPLACE FUNCTION pool_places_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND (NEW.pool_id, NEW.place, NEW.share_pence)
                IS DISTINCT FROM (OLD.pool_id, OLD.place, OLD.share_pence) THEN
            RAISE EXCEPTION '{FIXED}' USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'INSERT' AND {ALREADY_PLEDGED} THEN
            RAISE EXCEPTION '{FIXED}' USING ERRCODE = 'check_violation';
        END IF;
        IF {MEMBER_MISMATCH} THEN
            RAISE EXCEPTION '{WRONG_AMOUNT}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER pool_places_guard BEFORE INSERT OR UPDATE ON pool_places
    FOR EACH ROW EXECUTE FUNCTION pool_places_guard()""",
    f"""CREATE OR REPLACE FUNCTION pools_funded_only_at_target() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF {SHORT_OF_TARGET} THEN
            RAISE EXCEPTION '{SHORT}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER pools_funded_only_at_target BEFORE UPDATE OF state ON pools
    FOR EACH ROW EXECUTE FUNCTION pools_funded_only_at_target()""",
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    op.create_table('pool_places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.Integer(), nullable=False),
    sa.Column('share_pence', sa.BigInteger(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('share_pence > 0', name=op.f('ck_pool_places_share_positive')),
    sa.CheckConstraint('place >= 1 AND place <= 50', name=op.f('ck_pool_places_place_sensible')),
    sa.ForeignKeyConstraint(['member_id'], ['pool_members.id'], name=op.f('fk_pool_places_member_id_pool_members')),
    sa.ForeignKeyConstraint(['pool_id'], ['pools.id'], name=op.f('fk_pool_places_pool_id_pools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_places')),
    sa.UniqueConstraint('member_id', name=op.f('uq_pool_places_member_id')),
    sa.UniqueConstraint('pool_id', 'place', name='uq_pool_places_pool_place')
    )
    with op.batch_alter_table('pool_places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pool_places_pool_id'), ['pool_id'], unique=False)
    for statement in SQLITE_TRIGGERS if _sqlite() else POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade():
    if _sqlite():
        for name in ("pool_places_member_pays_the_place_on_insert",
                     "pool_places_member_pays_the_place", "pool_places_amount_fixed",
                     "pool_places_none_added_after_pledges", "pools_funded_only_at_target"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS pools_funded_only_at_target ON pools")
        op.execute("DROP TRIGGER IF EXISTS pool_places_guard ON pool_places")
        op.execute("DROP FUNCTION IF EXISTS pools_funded_only_at_target()")
        op.execute("DROP FUNCTION IF EXISTS pool_places_guard()")
    with op.batch_alter_table('pool_places', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pool_places_pool_id'))
    op.drop_table('pool_places')
