using Microsoft.Data.Sqlite;

namespace Flotilla.Storage;

/// <summary>
/// Persists committed batches to SQLite. Schema (version 1, in <c>PRAGMA user_version</c>):
/// <c>objects(key TEXT PRIMARY KEY, revision INTEGER, value BLOB)</c> holds the current objects, and
/// <c>meta(name TEXT PRIMARY KEY, value INTEGER)</c> holds <c>revision</c>, the store revision. Both change in
/// the batch's one transaction, so the revision on disk always covers every stored object and every delete.
/// </summary>
/// <remarks>
/// The connection uses WAL with <c>synchronous=FULL</c> (each commit is fsynced before it returns) and
/// exclusive locking, so no other process can change the file under the in-memory copy. Pooling is off so that
/// disposing really closes the file and releases the lock.
/// </remarks>
internal sealed class SqliteJournal : IWriteJournal
{
    private const int SchemaVersion = 1;
    private const long SynchronousFull = 2;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _rollback;
    private readonly SqliteCommand _upsert;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _setRevision;
    private readonly SqliteParameter _upsertKey;
    private readonly SqliteParameter _upsertRevision;
    private readonly SqliteParameter _upsertValue;
    private readonly SqliteParameter _deleteKey;
    private readonly SqliteParameter _revision;
    private long _committedTransactions;
    private Exception? _fault;

    private SqliteJournal(SqliteConnection connection)
    {
        _connection = connection;
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
        _upsert = connection.CreateCommand();
        _upsert.CommandText =
            "INSERT INTO objects (key, revision, value) VALUES ($key, $revision, $value) " +
            "ON CONFLICT (key) DO UPDATE SET revision = excluded.revision, value = excluded.value";
        _upsertKey = _upsert.Parameters.Add("$key", SqliteType.Text);
        _upsertRevision = _upsert.Parameters.Add("$revision", SqliteType.Integer);
        _upsertValue = _upsert.Parameters.Add("$value", SqliteType.Blob);
        _delete = connection.CreateCommand();
        _delete.CommandText = "DELETE FROM objects WHERE key = $key";
        _deleteKey = _delete.Parameters.Add("$key", SqliteType.Text);
        _setRevision = connection.CreateCommand();
        _setRevision.CommandText = "UPDATE meta SET value = $revision WHERE name = 'revision'";
        _revision = _setRevision.Parameters.Add("$revision", SqliteType.Integer);
    }

    public long CommittedTransactions => Volatile.Read(ref _committedTransactions);

    /// <summary>Opens (creating if needed) the database and reads its objects and revision.</summary>
    public static async Task<(SqliteJournal Journal, List<StoredValue> Items, long Revision)> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            // Only another process can ever hold the file (this store's own connection is its only one), and
            // such a holder keeps it until it closes, so waiting long for it helps nobody. (0 would mean forever.)
            DefaultTimeout = 1,
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // Exclusive locking before WAL: WAL then needs no shared-memory file, and the first write below takes
            // the lock for as long as the connection is open.
            await ExecuteAsync(connection, "PRAGMA locking_mode = EXCLUSIVE", cancellationToken).ConfigureAwait(false);
            var journalMode = await ScalarAsync<string>(connection, "PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);
            if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new NotSupportedException($"SQLite refused WAL mode for '{path}' (got '{journalMode}'); use a file on a local file system.");
            }
            await ExecuteAsync(connection, "PRAGMA synchronous = FULL", cancellationToken).ConfigureAwait(false);
            // Acknowledged writes must survive power loss; SQLite ignores unknown values silently, so check.
            if (await ScalarAsync<long>(connection, "PRAGMA synchronous", cancellationToken).ConfigureAwait(false) != SynchronousFull)
            {
                throw new NotSupportedException($"SQLite did not accept synchronous=FULL for '{path}'.");
            }
            await EnsureSchemaAsync(connection, path, cancellationToken).ConfigureAwait(false);
            var (items, revision) = await LoadAsync(connection, cancellationToken).ConfigureAwait(false);
            return (new SqliteJournal(connection), items, revision);
        }
        catch (SqliteException error) when (error.SqliteErrorCode is SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"'{path}' is in use by another open store or SQLite client; stop it before opening this store.", error);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public void Commit(IReadOnlyList<Change> changes, long revision)
    {
        if (_fault is not null)
        {
            throw new InvalidOperationException("An earlier SQLite transaction could not be rolled back; reopen the store.", _fault);
        }
        _begin.ExecuteNonQuery();
        try
        {
            foreach (var change in changes)
            {
                if (change.IsDelete)
                {
                    _deleteKey.Value = change.Stored.Key;
                    _delete.ExecuteNonQuery();
                }
                else
                {
                    _upsertKey.Value = change.Stored.Key;
                    _upsertRevision.Value = change.Stored.Revision;
                    _upsertValue.Value = change.Stored.Value;
                    _upsert.ExecuteNonQuery();
                }
            }
            _revision.Value = revision;
            _setRevision.ExecuteNonQuery();
            _commit.ExecuteNonQuery();
        }
        catch
        {
            RollBack();
            throw;
        }
        finally
        {
            // Drop the references to this batch's values.
            _upsertValue.Value = null;
        }
        _committedTransactions++;
    }

    public void Dispose()
    {
        _begin.Dispose();
        _commit.Dispose();
        _rollback.Dispose();
        _upsert.Dispose();
        _delete.Dispose();
        _setRevision.Dispose();
        _connection.Dispose();
    }

    private void RollBack()
    {
        // SQLite may already have rolled back on its own (some I/O errors do); rolling back again would fail.
        if (SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) != 0)
        {
            return;
        }
        try
        {
            _rollback.ExecuteNonQuery();
        }
        catch (Exception error)
        {
            // The file's state is now unknown relative to memory: refuse further writes.
            _fault = error;
        }
    }

    private SqliteCommand Prepare(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static async Task EnsureSchemaAsync(SqliteConnection connection, string path, CancellationToken cancellationToken)
    {
        var version = await ScalarAsync<long>(connection, "PRAGMA user_version", cancellationToken).ConfigureAwait(false);
        if (version > SchemaVersion)
        {
            throw new NotSupportedException(
                $"'{path}' uses store schema version {version}, newer than this Flotilla's {SchemaVersion}; open it with a newer Flotilla.");
        }
        // Always written (even when the schema exists) so that opening takes the exclusive lock at once: a second
        // store on the same file fails here instead of at its first write.
        await ExecuteAsync(connection, $"""
            BEGIN IMMEDIATE;
            CREATE TABLE IF NOT EXISTS objects (
                key TEXT NOT NULL PRIMARY KEY,
                revision INTEGER NOT NULL,
                value BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS meta (
                name TEXT NOT NULL PRIMARY KEY,
                value INTEGER NOT NULL);
            INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', 0);
            PRAGMA user_version = {SchemaVersion};
            COMMIT;
            """, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(List<StoredValue> Items, long Revision)> LoadAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var revision = await ScalarAsync<long>(connection, "SELECT value FROM meta WHERE name = 'revision'", cancellationToken).ConfigureAwait(false);
        var items = new List<StoredValue>();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, revision, value FROM objects ORDER BY key";
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var item = new StoredValue(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2));
            // Every batch writes its objects and the revision together, so this holds unless the file was edited.
            if (item.Revision > revision)
            {
                throw new InvalidDataException(
                    $"Object '{item.Key}' has revision {item.Revision}, above the stored revision {revision}; the database was modified outside Flotilla.");
            }
            items.Add(item);
        }
        return (items, revision);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ScalarAsync<T>(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return (T)Convert.ChangeType(result!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
