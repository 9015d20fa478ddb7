using System.Globalization;
using System.Text;

namespace MiniQmail.Injector.Tools;

/// <summary>
/// maildir2mbox (tools.md): appends the messages of $MAILDIR to the mbox $MAIL through $MAILTMP
/// and a rename, then removes them. Unlike the original, a last line without LF is kept (with
/// an LF added) instead of being dropped.
/// </summary>
public static class Maildir2Mbox
{
    private const long TmpLifetimeSeconds = 129600;

    public static (int ExitCode, string Diagnostic) Run(Func<string, string?> env, TimeProvider clock)
    {
        var mail = env("MAIL");
        if (mail is null)
            return Fatal("MAIL not set");
        var mailTmp = env("MAILTMP");
        if (mailTmp is null)
            return Fatal("MAILTMP not set");
        var maildir = env("MAILDIR");
        if (maildir is null)
            return Fatal("MAILDIR not set");
        if (!Directory.Exists(maildir))
            return Fatal($"unable to chdir to {maildir}: no such directory");
        // The original changes into the maildir, so relative MAIL and MAILTMP are relative to it.
        var mailPath = Path.Combine(maildir, mail);
        var tmpPath = Path.Combine(maildir, mailTmp);
        var now = clock.GetUtcNow();

        CleanTmp(Path.Combine(maildir, "tmp"), now);
        var messages = new List<FileInfo>();
        foreach (var sub in new[] { "new", "cur" })
        {
            var dir = new DirectoryInfo(Path.Combine(maildir, sub));
            if (!dir.Exists)
                return Fatal($"unable to scan $MAILDIR/{sub}: no such directory");
            foreach (var file in dir.EnumerateFiles())
                if (!file.Name.StartsWith('.') && file.LastWriteTimeUtc < now.UtcDateTime)
                    messages.Add(file);
        }
        if (messages.Count == 0)
            return (0, "");
        messages.Sort((a, b) => a.LastWriteTimeUtc.CompareTo(b.LastWriteTimeUtc));

        FileStream mbox;
        try
        {
            // Opened for appending, created if missing; no .NET share lock (that one fails at
            // once when held): an exclusive flock, which waits, as the original's lock does.
            mbox = new FileStream(mailPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fatal($"unable to open {mail}: {e.Message}");
        }
        if (FileLock.Exclusive(mbox.SafeFileHandle) is { } lockError)
        {
            mbox.Dispose();
            return Fatal($"unable to lock {mail}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(lockError)}");
        }
        using (mbox)
        {
            try
            {
                using (var tmp = new FileStream(tmpPath, FileMode.Create, FileAccess.Write, FileShare.None))
                {
                    File.SetUnixFileMode(tmp.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                    mbox.CopyTo(tmp);
                    foreach (var message in messages)
                        AppendMessage(tmp, message);
                    tmp.Flush(flushToDisk: true);
                }
                File.Move(tmpPath, mailPath, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Fatal($"unable to write to {mailTmp}: {e.Message}");
            }
        }
        var warnings = new StringBuilder();
        foreach (var message in messages)
        {
            try
            {
                message.Delete();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                warnings.Append(CultureInfo.InvariantCulture,
                    $"maildir2mbox: warning: $MAILDIR/{message.Directory!.Name}/{message.Name} will be delivered twice; unable to unlink: {e.Message}\n");
            }
        }
        return (0, warnings.ToString());
    }

    /// <summary>One message in mbox form: the From_ line, the lines with From_ quoting, an empty line.</summary>
    public static void AppendMessage(Stream output, FileInfo message)
    {
        var content = File.ReadAllBytes(message.FullName);
        var firstEnd = Array.IndexOf(content, (byte)'\n');
        var first = firstEnd < 0 ? content.AsSpan() : content.AsSpan(0, firstEnd + 1);
        output.Write(FromLine(first, message.LastWriteTimeUtc));
        var start = 0;
        while (start < content.Length)
        {
            var end = Array.IndexOf(content, (byte)'\n', start);
            var line = content.AsSpan(start, (end < 0 ? content.Length : end + 1) - start);
            var k = 0;
            while (k < line.Length && line[k] == '>')
                k++;
            if (line[k..].StartsWith("From "u8))
                output.WriteByte((byte)'>');
            output.Write(line);
            if (end < 0)
                output.WriteByte((byte)'\n');
            start += line.Length;
        }
        output.WriteByte((byte)'\n');
    }

    /// <summary><c>From sender Www Mmm DD HH:MM:SS YYYY</c>: the sender from a leading Return-Path line, else XXX.</summary>
    public static byte[] FromLine(ReadOnlySpan<byte> firstLine, DateTime modifiedUtc)
    {
        byte[] sender = "XXX"u8.ToArray();
        if (firstLine.StartsWith("Return-Path: <"u8))
        {
            var value = firstLine[14..];
            value = value[..Math.Max(0, value.Length - 2)];
            sender = value.IsEmpty ? "MAILER-DAEMON"u8.ToArray() : value.ToArray();
            for (var i = 0; i < sender.Length; i++)
                if (sender[i] is (byte)' ' or (byte)'\t')
                    sender[i] = (byte)'-';
        }
        var date = modifiedUtc.ToString("ddd MMM dd HH:mm:ss yyyy", CultureInfo.InvariantCulture);
        return [.. "From "u8, .. sender, (byte)' ', .. Encoding.ASCII.GetBytes(date), (byte)'\n'];
    }

    private static void CleanTmp(string tmp, DateTimeOffset now)
    {
        if (!Directory.Exists(tmp))
            return;
        foreach (var file in new DirectoryInfo(tmp).EnumerateFiles())
        {
            if (file.Name.StartsWith('.') || (now - file.LastAccessTimeUtc).TotalSeconds <= TmpLifetimeSeconds)
                continue;
            try
            {
                file.Delete();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A stale temporary file that cannot go is left for the next run.
            }
        }
    }

    private static (int, string) Fatal(string reason) => (111, $"maildir2mbox: fatal: {reason}\n");
}
