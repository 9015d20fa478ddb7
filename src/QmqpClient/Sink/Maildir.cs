using System.Text;

namespace MiniQmail.Qmqp.Sink;

/// <summary>
/// Writes messages into a Maildir (tmp/, then a rename into new/), the delivery format that
/// needs no locking: a reader sees a message completely or not at all.
/// </summary>
public sealed class Maildir
{
    private static long _sequence;

    public Maildir(string path)
    {
        Path = path;
        foreach (var sub in new[] { "tmp", "new", "cur" })
            Directory.CreateDirectory(System.IO.Path.Combine(path, sub), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Path { get; }

    /// <summary>A fresh file in tmp/ to receive a message; <see cref="Commit"/> moves it into new/.</summary>
    public (string Name, FileStream Stream) CreateTemp(string suffix = "")
    {
        var name = UniqueName() + suffix;
        var stream = new FileStream(System.IO.Path.Combine(Path, "tmp", name), new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            BufferSize = 64 * 1024,
        });
        return (name, stream);
    }

    /// <summary>Flushes the file to disk and moves it from tmp/ into new/; returns the delivered path.</summary>
    public string Commit(string name, FileStream stream)
    {
        stream.Flush(flushToDisk: true);
        stream.Dispose();
        var target = System.IO.Path.Combine(Path, "new", name);
        File.Move(System.IO.Path.Combine(Path, "tmp", name), target);
        return target;
    }

    public void Discard(string name) => File.Delete(System.IO.Path.Combine(Path, "tmp", name));

    /// <summary>The messages in new/, oldest name first.</summary>
    public IReadOnlyList<string> NewMessages() =>
        Directory.GetFiles(System.IO.Path.Combine(Path, "new")).Order(StringComparer.Ordinal).ToArray();

    private static string UniqueName()
    {
        var now = DateTimeOffset.UtcNow;
        var seq = Interlocked.Increment(ref _sequence);
        return $"{now.ToUnixTimeSeconds()}.M{now.Millisecond * 1000:D6}P{Environment.ProcessId}Q{seq}.{Environment.MachineName}";
    }

    /// <summary>
    /// The envelope lines written above each stored message: Return-Path with the sender, one
    /// Delivered-To per recipient in envelope order (bytes kept as sent).
    /// </summary>
    public static byte[] EnvelopeHeader(ReadOnlySpan<byte> sender, IEnumerable<byte[]> recipients)
    {
        var ms = new MemoryStream();
        ms.Write("Return-Path: <"u8);
        ms.Write(sender);
        ms.Write(">\n"u8);
        foreach (var r in recipients)
        {
            ms.Write("Delivered-To: "u8);
            ms.Write(r);
            ms.WriteByte((byte)'\n');
        }
        return ms.ToArray();
    }

    internal static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
