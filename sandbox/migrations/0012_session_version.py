"""A session's row version, moved by the database itself on every UPDATE.

A trigger rather than Python: `.update()`, `bulk_update`, raw SQL and the admin all write
rows without Django's save, and a kept page must never outlive any of them. The trigger
sets the old version plus one whatever the statement wrote, so a stale in-memory copy
saved over the row cannot bring an earlier version (and an earlier page) back."""

from django.db import migrations, models

POSTGRES = (
    """
    CREATE FUNCTION sandbox_session_version() RETURNS trigger AS $$
    BEGIN
        NEW.version := OLD.version + 1;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER sandbox_session_version BEFORE UPDATE ON sandbox_sandboxsession
    FOR EACH ROW EXECUTE FUNCTION sandbox_session_version();
    """,
)
POSTGRES_DROP = (
    "DROP TRIGGER IF EXISTS sandbox_session_version ON sandbox_sandboxsession;",
    "DROP FUNCTION IF EXISTS sandbox_session_version();",
)
# SQLite cannot change NEW in a BEFORE trigger; its own UPDATE does not fire the trigger
# again (recursive triggers are off unless a connection turns them on).
SQLITE = (
    """
    CREATE TRIGGER sandbox_session_version AFTER UPDATE ON sandbox_sandboxsession
    FOR EACH ROW BEGIN
        UPDATE sandbox_sandboxsession SET version = OLD.version + 1 WHERE id = NEW.id;
    END;
    """,
)
SQLITE_DROP = ("DROP TRIGGER IF EXISTS sandbox_session_version;",)


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"no version trigger for {schema_editor.connection.vendor}: "
                "kept pages would go stale (sandbox/migrations/0012)"
            )
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("sandbox", "0011_pair_claim_origin_join"),
    ]

    operations = [
        migrations.AddField(
            model_name="sandboxsession",
            name="version",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.AddIndex(
            model_name="sandboxsession",
            index=models.Index(fields=["expires_at"], name="session_expiry"),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}),
        ),
    ]
