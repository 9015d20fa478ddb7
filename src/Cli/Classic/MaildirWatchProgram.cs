using System.Text;
using MiniQmail.Cli.Edges;

namespace MiniQmail.Cli.Classic;

/// <summary>
/// maildirwatch (tools.md): every 30 seconds, clean tmp/, then clear a VT100 screen and show each
/// message in new/ as a FROM/TO line, its From field in bold, and a one-line summary.
/// </summary>
internal static class MaildirWatchProgram
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan TmpLifetime = TimeSpan.FromSeconds(129600);
    private const int SummaryLength = 158;
    private static readonly byte[] ClearScreen = "\x1b[;H\x1b[;J"u8.ToArray();

    public static int Run(string program, ProcessEnvironment env)
    {
        var maildir = env.GetVariable("MAILDIR");
        if (maildir is null)
        {
            Stdio.Fatal(program, "MAILDIR not set");
            return 111;
        }
        try
        {
            Directory.SetCurrentDirectory(maildir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Stdio.Fatal(program, $"unable to chdir to {maildir}: {e.Message}");
            return 111;
        }
        using var stdout = Console.OpenStandardOutput();
        while (true)
        {
            var now = DateTime.UtcNow;
            CleanTmp(".", now);
            if (!TryRender(".", now, out var screen, out var error))
            {
                Stdio.Fatal(program, $"unable to scan $MAILDIR/new: {error}");
                return 111;
            }
            try
            {
                stdout.Write(screen);
                stdout.Flush();
            }
            catch (IOException)
            {
                return 111;
            }
            Thread.Sleep(Interval);
        }
    }

    /// <summary>Deletes files in tmp/ not accessed for 36 hours, as maildir2mbox does; names starting with '.' are skipped.</summary>
    internal static void CleanTmp(string maildir, DateTime nowUtc)
    {
        try
        {
            foreach (var file in new DirectoryInfo(Path.Combine(maildir, "tmp")).EnumerateFiles())
            {
                if (!file.Name.StartsWith('.') && nowUtc - file.LastAccessTimeUtc > TmpLifetime)
                    file.Delete();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cleaning is a courtesy; the listing below reports real trouble.
        }
    }

    /// <summary>One screen: the clear-screen bytes and every message of new/ older than now, oldest first.</summary>
    internal static bool TryRender(string maildir, DateTime nowUtc, out byte[] screen, out string? error)
    {
        screen = [];
        error = null;
        List<FileInfo> messages;
        try
        {
            messages = new DirectoryInfo(Path.Combine(maildir, "new")).EnumerateFiles()
                .Where(f => !f.Name.StartsWith('.') && f.LastWriteTimeUtc < nowUtc)
                .OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            return false;
        }
        var output = new MemoryStream();
        output.Write(ClearScreen);
        foreach (var message in messages)
        {
            byte[] content;
            try
            {
                content = File.ReadAllBytes(message.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // read by a mail reader and moved away meanwhile
            }
            Describe(content, output);
        }
        screen = output.ToArray();
        return true;
    }

    /// <summary>The lines for one message (tools.md, maildirwatch).</summary>
    internal static void Describe(ReadOnlySpan<byte> message, Stream output)
    {
        var (fields, bodyStart) = Header(message);
        byte[]? Field(string name) => fields.Find(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Whole;

        static byte[] Contents(byte[] whole)
        {
            var colon = Array.IndexOf(whole, (byte)':');
            var start = colon + 1;
            while (start < whole.Length && whole[start] is (byte)' ' or (byte)'\t' or (byte)'\n')
                start++;
            return whole[start..];
        }
        static byte[] WithoutFinalLf(byte[] bytes) => bytes.Length > 0 && bytes[^1] == '\n' ? bytes[..^1] : bytes;
        void Put(ReadOnlySpan<byte> bytes, byte replacement)
        {
            foreach (var b in bytes)
                output.WriteByte(b is < 0x20 or > 0x7e ? replacement : b);
        }

        output.Write("FROM "u8);
        Put(Field("Return-Path") is { } rp ? WithoutFinalLf(Contents(rp)) : "?"u8.ToArray(), (byte)'?');
        output.Write(" TO <"u8);
        Put(Field("Delivered-To") is { } dt ? WithoutFinalLf(Contents(dt)) : "?"u8.ToArray(), (byte)'?');
        output.Write(">\n"u8);

        if (Field("From") is { } from)
        {
            output.Write("\x1b[1m"u8);
            Put(WithoutFinalLf(from), (byte)'/');
            output.Write("\x1b[0m\n"u8);
        }

        var summary = new List<byte>(SummaryLength);
        if (Field("Subject") is { } subject)
            summary.AddRange(Contents(subject));
        summary.AddRange(message[bodyStart..].ToArray().Take(SummaryLength));
        Put(summary.Take(SummaryLength).ToArray(), (byte)'/');
        output.Write("\n\n"u8);
    }

    /// <summary>The header fields (name, whole field with continuation lines and final LF) and where the blank line starts.</summary>
    private static (List<(string Name, byte[] Whole)> Fields, int BodyStart) Header(ReadOnlySpan<byte> message)
    {
        var fields = new List<(string, byte[])>();
        var position = 0;
        while (position < message.Length && message[position] != '\n')
        {
            var start = position;
            do
            {
                var lf = message[position..].IndexOf((byte)'\n');
                position = lf < 0 ? message.Length : position + lf + 1;
            }
            while (position < message.Length && message[position] is (byte)' ' or (byte)'\t');
            var whole = message[start..position].ToArray();
            var colon = Array.IndexOf(whole, (byte)':');
            if (colon > 0)
                fields.Add((Encoding.ASCII.GetString(whole, 0, colon).TrimEnd(' ', '\t'), whole));
        }
        return (fields, position);
    }
}
