using MiniQmail.Qmqp.Codec;
using MiniQmail.Qmqp.Transport;
using SQLitePCL;

namespace MiniQmail.Queue.Storage;

/// <summary>
/// The queue in one SQLite database (WAL): a row per message with its envelope and retry state,
/// the body in a table of its own so that updating the retry state never rewrites the body.
/// Enqueue commits with synchronous=FULL (fsync before the caller is told "queued"); flush runs
/// may open it with synchronous=NORMAL, which survives any crash of the process and, on a crash
/// of the machine, can only lose a deletion or a failure record: a message may then be sent
/// again (at-least-once), never lost.
/// </summary>
public sealed class SqliteQueueStore : IQueueStore
{
    /// <summary>The database file inside the queue directory.</summary>
    public const string FileName = "queue.sqlite";

    private const int ChunkSize = 64 * 1024;

    private const string Columns = "id, created, size, envelope, attempts, next_attempt, last_error, held, owner";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS messages(
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          created INTEGER NOT NULL,
          size INTEGER NOT NULL,
          envelope BLOB NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt INTEGER NOT NULL,
          last_error TEXT,
          held INTEGER NOT NULL DEFAULT 0,
          owner INTEGER NOT NULL,
          lease_owner TEXT,
          lease_until INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX IF NOT EXISTS messages_order ON messages(held, id);
        CREATE TABLE IF NOT EXISTS bodies(
          id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
          data BLOB NOT NULL);
        """;

    private readonly sqlite3 _db;
    private readonly Dictionary<string, Statement> _statements = new(StringComparer.Ordinal);
    private readonly string _path;
    private readonly QueueHooks _hooks;

    private SqliteQueueStore(sqlite3 db, string path, QueueHooks hooks)
    {
        _db = db;
        _path = path;
        _hooks = hooks;
    }

    /// <summary>The database path for a queue directory.</summary>
    public static string DatabasePath(string directory) => Path.Combine(directory, FileName);

    /// <summary>
    /// Opens (creating if needed) the queue in <paramref name="directory"/>. The database file is
    /// created mode 0660 so that, in a setgid directory, the queue group shares it and nobody
    /// else can read it; SQLite gives its -wal and -shm files the same mode and owner.
    /// </summary>
    /// <exception cref="QueueStoreException">The queue cannot be opened (permissions, corruption, I/O).</exception>
    public static SqliteQueueStore Open(string directory, bool durableCommits = true, QueueHooks? hooks = null)
    {
        Sqlite.Initialize();
        var path = DatabasePath(directory);
        try
        {
            const UnixFileMode shared = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;
            if (!Directory.Exists(directory))
            {
                // Normally install makes it (root:group, 2770); a queue made here is the creator's.
                Directory.CreateDirectory(directory);
                File.SetUnixFileMode(directory, shared | UnixFileMode.UserExecute | UnixFileMode.GroupExecute);
            }
            if (!File.Exists(path))
            {
                // The umask would take the group's write bit; the mode is set explicitly.
                using var created = new FileStream(File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite), FileAccess.ReadWrite);
                File.SetUnixFileMode(created.SafeFileHandle, shared);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new QueueStoreException($"unable to open the queue {path}: {e.Message}", raw.SQLITE_CANTOPEN, e);
        }

        // A store is used by one thread at a time (its statement cache is not shared either), so
        // SQLite need not lock the connection on every call.
        var rc = raw.sqlite3_open_v2(path, out var db, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_NOMUTEX, null);
        if (rc != raw.SQLITE_OK)
        {
            var message = db is null ? $"error {rc}" : raw.sqlite3_errmsg(db).utf8_to_string();
            db?.Dispose();
            throw new QueueStoreException($"unable to open the queue {path}: {message}", rc);
        }
        var store = new SqliteQueueStore(db, path, hooks ?? QueueHooks.None);
        try
        {
            raw.sqlite3_busy_timeout(db, (int)BusyWait.TotalMilliseconds);
            Sqlite.Exec(db, durableCommits ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
            // A flush commits often and cheaply: checkpoint (with its fsyncs) every 40 MB of WAL, not every 4.
            if (!durableCommits)
                Sqlite.Exec(db, "PRAGMA wal_autocheckpoint=10000");
            Sqlite.Exec(db, "PRAGMA foreign_keys=ON");
            // Switching a new database to WAL takes an exclusive lock and SQLite does not wait
            // for it (nor for another connection's WAL recovery): many processes opening a fresh
            // queue at once would see "database is locked". Retried with a short random pause.
            var deadline = DateTime.UtcNow + BusyWait;
            while (true)
            {
                try
                {
                    Sqlite.Exec(db, "PRAGMA journal_mode=WAL");
                    CreateSchema(db);
                    break;
                }
                catch (QueueStoreException e) when ((e.Code & 0xff) is raw.SQLITE_BUSY or raw.SQLITE_LOCKED && DateTime.UtcNow < deadline)
                {
                    raw.sqlite3_exec(db, "ROLLBACK");
                    Thread.Sleep(Random.Shared.Next(5, 50));
                }
            }
        }
        catch (QueueStoreException e)
        {
            store.Dispose();
            throw new QueueStoreException($"unable to open the queue {path}: {e.Message}", e.Code, e);
        }
        return store;
    }

    /// <summary>Longest wait for another process's lock before giving up.</summary>
    private static readonly TimeSpan BusyWait = TimeSpan.FromSeconds(60);

    private static void CreateSchema(sqlite3 db)
    {
        using (var version = Sqlite.Prepare(db, "PRAGMA user_version"))
        {
            version.Step();
            if (version.Int64(0) != 0)
                return;
        }
        Sqlite.Exec(db, "BEGIN IMMEDIATE");
        Sqlite.Exec(db, Schema);
        Sqlite.Exec(db, "PRAGMA user_version=1");
        Sqlite.Exec(db, "COMMIT");
    }

    public long Enqueue(MessageSource message, Envelope envelope, uint owner, DateTimeOffset now)
    {
        var stamp = now.ToUnixTimeMilliseconds();
        try
        {
            return InTransaction(() =>
            {
                var id = Insert(message, envelope, owner, stamp);
                _hooks.At(QueueHooks.EnqueueWritten);
                return id;
            }, afterCommit: () => _hooks.At(QueueHooks.EnqueueCommitted));
        }
        catch (QueueStoreException e)
        {
            throw new QueueStoreException($"unable to write to the queue {_path}: {e.Message}", e.Code, e);
        }
    }

    /// <summary>Inserts a message due at once; inside the caller's transaction.</summary>
    private long Insert(MessageSource message, Envelope envelope, uint owner, long stamp)
    {
        if (message.Length > int.MaxValue)
            throw new QueueStoreException("the message is too large for the queue (2 GB at most)", raw.SQLITE_TOOBIG);
        long id;
        using (var insert = Prepare("INSERT INTO messages(created, size, envelope, next_attempt, owner) VALUES(?1, ?2, ?3, ?1, ?4)"))
        {
            insert.Bind(1, stamp).Bind(2, message.Length).Bind(3, envelope.ToQueueForm()).Bind(4, owner).Run();
            id = raw.sqlite3_last_insert_rowid(_db);
        }
        using (var body = Prepare("INSERT INTO bodies(id, data) VALUES(?1, ?2)"))
            body.Bind(1, id).BindZeroBlob(2, (int)message.Length).Run();
        WriteBody(id, message);
        return id;
    }

    private void WriteBody(long id, MessageSource message)
    {
        if (message.Length == 0)
            return;
        Sqlite.Check(_db, raw.sqlite3_blob_open(_db, "main", "bodies", "data", id, 1, out var blob), "blob");
        using (blob)
        {
            var buffer = new byte[(int)Math.Min(ChunkSize, message.Length)];
            long offset = 0;
            while (offset < message.Length)
            {
                var n = message.Read(offset, buffer);
                if (n == 0)
                    throw new IOException("the message shrank while it was being queued");
                Sqlite.Check(_db, raw.sqlite3_blob_write(blob, buffer.AsSpan(0, n), (int)offset), "write");
                offset += n;
            }
        }
    }

    // Claims walk messages_order (held, id): oldest first without sorting the whole queue, so a
    // claim costs the rows it skips (leased or not yet due), not the size of the queue.
    public IReadOnlyList<QueueEntry> Claim(string leaseOwner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, bool ignoreSchedule)
    {
        using var claim = Prepare($"""
            UPDATE messages SET lease_owner = ?1, lease_until = ?2
            WHERE id IN (SELECT id FROM messages WHERE held = 0 AND lease_until <= ?3 AND (?5 OR next_attempt <= ?3) ORDER BY id LIMIT ?4)
            RETURNING {Columns}
            """);
        claim.Bind(1, leaseOwner).Bind(2, leaseUntil.ToUnixTimeMilliseconds()).Bind(3, now.ToUnixTimeMilliseconds())
            .Bind(4, max).Bind(5, ignoreSchedule ? 1 : 0);
        var entries = ReadEntries(claim);
        entries.Sort((a, b) => a.Id.CompareTo(b.Id));
        return entries;
    }

    public bool AnyDue(DateTimeOffset now, bool ignoreSchedule)
    {
        using var query = Prepare("SELECT 1 FROM messages WHERE held = 0 AND lease_until <= ?1 AND (?2 OR next_attempt <= ?1) LIMIT 1");
        return query.Bind(1, now.ToUnixTimeMilliseconds()).Bind(2, ignoreSchedule ? 1 : 0).Step();
    }

    public MessageSource ReadBody(long id, string tempDirectory, int memoryLimit = MessageSpool.DefaultMemoryThreshold)
    {
        // Small bodies (nearly all mail) come whole with their length; large ones stream through a temporary file.
        using (var query = Prepare("SELECT length(data), CASE WHEN length(data) <= ?2 THEN data END FROM bodies WHERE id = ?1"))
        {
            if (!query.Bind(1, id).Bind(2, memoryLimit).Step())
                throw new QueueStoreException($"message {id} has no body", raw.SQLITE_CORRUPT);
            if (query.Int64(0) <= memoryLimit)
                return MessageSource.FromBytes(query.Blob(1));
        }
        Sqlite.Check(_db, raw.sqlite3_blob_open(_db, "main", "bodies", "data", id, 0, out var blob), "blob");
        using (blob)
        using (var stream = new BlobStream(_db, blob))
        {
            var failure = MessageSpool.Spool(stream, tempDirectory, memoryLimit, out var message, out var error);
            if (failure != SpoolFailure.None)
                throw new QueueStoreException($"unable to read message {id}: {error}", raw.SQLITE_IOERR);
            return message!;
        }
    }

    public bool Complete(long id, string leaseOwner) =>
        Execute("DELETE FROM messages WHERE id = ?1 AND lease_owner = ?2", s => s.Bind(1, id).Bind(2, leaseOwner)) > 0;

    public bool RecordFailure(long id, string leaseOwner, int attempts, string error, DateTimeOffset nextAttempt) =>
        Execute("UPDATE messages SET attempts = ?3, last_error = ?4, next_attempt = ?5, lease_owner = NULL, lease_until = 0 WHERE id = ?1 AND lease_owner = ?2",
            s => s.Bind(1, id).Bind(2, leaseOwner).Bind(3, attempts).Bind(4, error).Bind(5, nextAttempt.ToUnixTimeMilliseconds())) > 0;

    public bool Release(long id, string leaseOwner) =>
        Execute("UPDATE messages SET lease_owner = NULL, lease_until = 0 WHERE id = ?1 AND lease_owner = ?2",
            s => s.Bind(1, id).Bind(2, leaseOwner)) > 0;

    public bool ReplaceWithBounce(long id, string leaseOwner, MessageSource bounce, Envelope bounceEnvelope, DateTimeOffset now)
    {
        uint owner = 0;
        return InTransaction(() =>
        {
            using (var find = Prepare("SELECT owner FROM messages WHERE id = ?1 AND lease_owner = ?2"))
            {
                if (!find.Bind(1, id).Bind(2, leaseOwner).Step())
                    return false;
                owner = (uint)find.Int64(0);
            }
            Execute("DELETE FROM messages WHERE id = ?1", s => s.Bind(1, id));
            Insert(bounce, bounceEnvelope, owner, now.ToUnixTimeMilliseconds());
            return true;
        });
    }

    public int ReleaseDeadLeases(Func<string, bool> isAlive)
    {
        var owners = new List<string>();
        using (var query = Prepare("SELECT DISTINCT lease_owner FROM messages WHERE lease_owner IS NOT NULL"))
        {
            while (query.Step())
                owners.Add(query.Text(0)!);
        }
        var freed = 0;
        foreach (var owner in owners.Where(o => !isAlive(o)))
            freed += Execute("UPDATE messages SET lease_owner = NULL, lease_until = 0 WHERE lease_owner = ?1", s => s.Bind(1, owner));
        return freed;
    }

    public IReadOnlyList<QueueEntry> List()
    {
        using var query = Prepare($"SELECT {Columns} FROM messages ORDER BY id");
        return ReadEntries(query);
    }

    public QueueEntry? Get(long id)
    {
        using var query = Prepare($"SELECT {Columns} FROM messages WHERE id = ?1");
        query.Bind(1, id);
        return ReadEntries(query) is [var entry] ? entry : null;
    }

    public bool Delete(long id) => Execute("DELETE FROM messages WHERE id = ?1", s => s.Bind(1, id)) > 0;

    public bool Retry(long id, DateTimeOffset now) =>
        Execute("UPDATE messages SET next_attempt = ?2 WHERE id = ?1", s => s.Bind(1, id).Bind(2, now.ToUnixTimeMilliseconds())) > 0;

    public bool SetHeld(long id, bool held) =>
        Execute("UPDATE messages SET held = ?2 WHERE id = ?1", s => s.Bind(1, id).Bind(2, held ? 1 : 0)) > 0;

    // PASSIVE copies what no reader still needs and never waits for a lock; its fsyncs are the
    // cost a flush run would otherwise pay all at once when it closes the database.
    public void Checkpoint()
    {
        var rc = raw.sqlite3_wal_checkpoint_v2(_db, "main", raw.SQLITE_CHECKPOINT_PASSIVE, out _, out _);
        // Another connection checkpointing at that moment (an overlapping flush, an enqueue's
        // automatic checkpoint) does the same work: nothing to report.
        if ((rc & 0xff) is raw.SQLITE_BUSY or raw.SQLITE_LOCKED)
            return;
        Sqlite.Check(_db, rc, "checkpoint");
    }

    /// <summary>Runs PRAGMA integrity_check; "ok" when the database is sound.</summary>
    public string IntegrityCheck()
    {
        using var query = Prepare("PRAGMA integrity_check");
        return query.Step() ? query.Text(0) ?? "" : "";
    }

    public void Dispose()
    {
        foreach (var statement in _statements.Values)
            statement.Handle.Dispose();
        _statements.Clear();
        _db.Dispose();
    }

    /// <summary>A prepared statement from this connection's cache (preparing costs more than most of our queries).</summary>
    private Statement Prepare(string sql)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            Sqlite.Check(_db, raw.sqlite3_prepare_v2(_db, sql, out var handle), "prepare");
            statement = new Statement(_db, handle, reusable: true);
            _statements[sql] = statement;
        }
        return statement;
    }

    private int Execute(string sql, Action<Statement> bind)
    {
        using var statement = Prepare(sql);
        bind(statement);
        return statement.Run();
    }

    public void Batch(Action body) => InTransaction(body, "BEGIN IMMEDIATE");

    // Each statement outside a transaction takes and drops SQLite's file locks (four fcntl calls):
    // measured, that was more than half the cost of reading a small body.
    public void Snapshot(Action body) => InTransaction(body, "BEGIN DEFERRED");

    private void InTransaction(Action body, string begin) => InTransaction(() =>
    {
        body();
        return true;
    }, begin: begin);

    /// <summary>One transaction; inside an open one (a batch), the body just joins it.</summary>
    private T InTransaction<T>(Func<T> body, Action? afterCommit = null, string begin = "BEGIN IMMEDIATE")
    {
        if (raw.sqlite3_get_autocommit(_db) == 0)
            return body();
        Sqlite.Exec(_db, begin);
        T result;
        try
        {
            result = body();
            Sqlite.Exec(_db, "COMMIT");
        }
        catch
        {
            raw.sqlite3_exec(_db, "ROLLBACK");
            throw;
        }
        afterCommit?.Invoke();
        return result;
    }

    private static List<QueueEntry> ReadEntries(Statement statement)
    {
        var entries = new List<QueueEntry>();
        while (statement.Step())
        {
            var envelope = ParseEnvelope(statement.Blob(3));
            entries.Add(new QueueEntry(
                statement.Int64(0),
                DateTimeOffset.FromUnixTimeMilliseconds(statement.Int64(1)),
                statement.Int64(2),
                envelope,
                (int)statement.Int64(4),
                DateTimeOffset.FromUnixTimeMilliseconds(statement.Int64(5)),
                statement.Text(6),
                statement.Int64(7) != 0,
                (uint)statement.Int64(8)));
        }
        return entries;
    }

    private static Envelope ParseEnvelope(byte[] queueForm)
    {
        var reader = new EnvelopeReader();
        var status = reader.Feed(queueForm, out _);
        if (status != ScanStatus.Done)
            status = reader.Finish();
        if (status != ScanStatus.Done || reader.Result is null)
            throw new QueueStoreException($"a stored envelope is corrupt: {reader.Error}", raw.SQLITE_CORRUPT);
        return reader.Result;
    }

    /// <summary>Sequential reads of an open blob.</summary>
    private sealed class BlobStream(sqlite3 db, sqlite3_blob blob) : Stream
    {
        private readonly int _length = raw.sqlite3_blob_bytes(blob);
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => _length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, _length - _position);
            if (n <= 0)
                return 0;
            var rc = raw.sqlite3_blob_read(blob, buffer[..n], _position);
            if (rc != raw.SQLITE_OK)
                throw new IOException(raw.sqlite3_errmsg(db).utf8_to_string());
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
