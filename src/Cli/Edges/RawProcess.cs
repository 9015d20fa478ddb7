using System.Text;

namespace MiniQmail.Cli.Edges;

/// <summary>
/// Arguments and environment as the bytes the kernel holds. qmail's programs treat both as
/// byte strings; .NET decodes them as UTF-8, which would change 8-bit names and addresses, so
/// the classic programs read /proc/self/cmdline and /proc/self/environ instead.
/// </summary>
internal static class RawProcess
{
    private static Dictionary<string, byte[]>? _environment;
    private static List<string>? _names;

    /// <summary>The raw bytes of <paramref name="args"/>: the last fields of /proc/self/cmdline when they match, else UTF-8.</summary>
    public static byte[][] Arguments(string[] args)
    {
        var result = new byte[args.Length][];
        List<byte[]> fields;
        try
        {
            fields = Split(File.ReadAllBytes("/proc/self/cmdline"));
        }
        catch (IOException)
        {
            fields = [];
        }
        var offset = fields.Count - args.Length;
        for (var i = 0; i < args.Length; i++)
        {
            result[i] = offset >= 0 && Encoding.UTF8.GetString(fields[offset + i]) == args[i]
                ? fields[offset + i]
                : Encoding.UTF8.GetBytes(args[i]);
        }
        return result;
    }

    /// <summary>A variable's raw value, or null when it is not set.</summary>
    public static byte[]? Variable(string name)
    {
        Load();
        return _environment!.TryGetValue(name, out var value) ? value : null;
    }

    /// <summary>
    /// The NAME=value entries a child gets: every variable of this process, as
    /// <paramref name="lookup"/> sees it now (so changes made by sendmail carry over), plus
    /// <paramref name="extra"/> names that may have been added.
    /// </summary>
    public static List<byte[]> Block(Func<string, byte[]?> lookup, params string[] extra)
    {
        Load();
        var block = new List<byte[]>();
        var names = new List<string>(_names!);
        foreach (var name in extra)
            if (!_environment!.ContainsKey(name))
                names.Add(name);
        foreach (var name in names)
            if (lookup(name) is { } value)
                block.Add([.. Encoding.UTF8.GetBytes(name), (byte)'=', .. value]);
        return block;
    }

    private static void Load()
    {
        if (_environment is not null)
            return;
        var environment = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var names = new List<string>();
        try
        {
            foreach (var entry in Split(File.ReadAllBytes("/proc/self/environ")))
            {
                var eq = entry.AsSpan().IndexOf((byte)'=');
                if (eq <= 0)
                    continue;
                var name = Encoding.UTF8.GetString(entry, 0, eq);
                if (environment.TryAdd(name, entry[(eq + 1)..]))
                    names.Add(name);
            }
        }
        catch (IOException)
        {
            foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            {
                var name = (string)e.Key;
                environment[name] = Encoding.UTF8.GetBytes((string?)e.Value ?? "");
                names.Add(name);
            }
        }
        _environment = environment;
        _names = names;
    }

    private static List<byte[]> Split(byte[] block)
    {
        var fields = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < block.Length; i++)
        {
            if (block[i] != 0)
                continue;
            fields.Add(block[start..i]);
            start = i + 1;
        }
        if (start < block.Length)
            fields.Add(block[start..]);
        return fields;
    }
}
