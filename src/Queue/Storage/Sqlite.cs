using SQLitePCL;

namespace MiniQmail.Queue.Storage;

/// <summary>An error from the queue database, with whether it is a full disk or size limit.</summary>
public sealed class QueueStoreException : Exception
{
    public QueueStoreException(string message, int code, Exception? inner = null) : base(message, inner) => Code = code;

    public QueueStoreException()
    {
    }

    public QueueStoreException(string message) : base(message)
    {
    }

    public QueueStoreException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>The SQLite result code (primary code in the low byte).</summary>
    public int Code { get; }

    /// <summary>The disk (or a size limit) is full.</summary>
    public bool IsFull => (Code & 0xff) == raw.SQLITE_FULL;

    /// <summary>This user may not open the queue (file permissions): the queue is not theirs to use.</summary>
    public bool IsAccessDenied => InnerException is UnauthorizedAccessException || (Code & 0xff) is raw.SQLITE_CANTOPEN or raw.SQLITE_READONLY or raw.SQLITE_PERM;
}

/// <summary>
/// The few raw SQLite calls the store needs, each checked: any failure becomes a
/// <see cref="QueueStoreException"/> with SQLite's own message.
/// </summary>
internal static class Sqlite
{
    private static readonly Lazy<bool> Initialized = new(() =>
    {
        Batteries_V2.Init();
        return true;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads the native library once; every caller waits until it is ready.</summary>
    public static void Initialize() => _ = Initialized.Value;

    public static void Check(sqlite3 db, int rc, string what)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE))
            throw new QueueStoreException(raw.sqlite3_errmsg(db).utf8_to_string() is { Length: > 0 } message ? message : $"{what} failed ({rc})",
                raw.sqlite3_extended_errcode(db));
    }

    public static void Exec(sqlite3 db, string sql) => Check(db, raw.sqlite3_exec(db, sql), "sql");

    public static Statement Prepare(sqlite3 db, string sql)
    {
        Check(db, raw.sqlite3_prepare_v2(db, sql, out var stmt), "prepare");
        return new Statement(db, stmt);
    }
}

/// <summary>
/// A prepared statement with positional binding (1-based) and checked steps. A cached one
/// (<paramref name="reusable"/>) is only reset by Dispose, for the next use; the cache finalizes it.
/// </summary>
internal sealed class Statement(sqlite3 db, sqlite3_stmt stmt, bool reusable = false) : IDisposable
{
    public sqlite3_stmt Handle => stmt;

    public Statement Bind(int index, long value)
    {
        Sqlite.Check(db, raw.sqlite3_bind_int64(stmt, index, value), "bind");
        return this;
    }

    public Statement Bind(int index, ReadOnlySpan<byte> value)
    {
        Sqlite.Check(db, raw.sqlite3_bind_blob(stmt, index, value), "bind");
        return this;
    }

    public Statement Bind(int index, string? value)
    {
        Sqlite.Check(db, value is null ? raw.sqlite3_bind_null(stmt, index) : raw.sqlite3_bind_text(stmt, index, value), "bind");
        return this;
    }

    public Statement BindZeroBlob(int index, int length)
    {
        Sqlite.Check(db, raw.sqlite3_bind_zeroblob(stmt, index, length), "bind");
        return this;
    }

    /// <summary>True while there is a row to read.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(stmt);
        Sqlite.Check(db, rc, "step");
        return rc == raw.SQLITE_ROW;
    }

    /// <summary>Runs a statement that returns no rows; the number of rows changed.</summary>
    public int Run()
    {
        while (Step())
        {
        }
        return raw.sqlite3_changes(db);
    }

    public long Int64(int column) => raw.sqlite3_column_int64(stmt, column);

    public byte[] Blob(int column) => raw.sqlite3_column_blob(stmt, column).ToArray();

    public string? Text(int column) =>
        raw.sqlite3_column_type(stmt, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(stmt, column).utf8_to_string();

    public void Dispose()
    {
        if (!reusable)
        {
            stmt.Dispose();
            return;
        }
        raw.sqlite3_reset(stmt);
        raw.sqlite3_clear_bindings(stmt);
    }
}
