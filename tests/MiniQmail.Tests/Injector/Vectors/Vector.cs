using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MiniQmail.Tests.Injector.Vectors;

/// <summary>One vector of vectors.md §2/§3, with its byte blocks decoded (§1.1 notation).</summary>
public sealed class Vector
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public string Program { get; init; } = "";
    public List<string> Arguments { get; init; } = [];
    public Dictionary<string, string> Environment { get; init; } = [];
    public string ControlSet { get; init; } = "C0";
    public int ExitCode { get; init; }
    public int QueueExit { get; init; }
    public byte[] Input { get; init; } = [];
    /// <summary>Expected blocks, still holding the {PID} placeholder.</summary>
    public string? Envelope { get; init; }
    public string? Message { get; init; }
    public string? Stdout { get; init; }
    public string? Stderr { get; init; }
    public bool QueueNotRun { get; init; }

    public override string ToString() => Id;

    /// <summary>The control files of a set (vectors.md §1.3): name and content.</summary>
    public static IReadOnlyList<(string Name, string Content)> ControlFiles(string set) => set switch
    {
        "C1" => [("me", "mail.example.com\n"), ("defaulthost", "example.com\n"), ("defaultdomain", "dom.example\n"), ("plusdomain", "plus.example\n"), ("idhost", "client1.example.com\n")],
        "C2" => [("me", "mail.example.com\n")],
        "C3" => [("me", "mail.example.com\n"), ("defaulthost", "mailhub\n"), ("defaultdomain", "dom.example\n"), ("plusdomain", "plus.example\n"), ("idhost", "client1.example.com\n")],
        "C4" => [("me", "mail.example.com\n"), ("defaulthost", "\n"), ("idhost", "client1.example.com\r\n")],
        _ => [],
    };

    /// <summary>Decodes a block with {PID} replaced: \n \r \t \0 \\ \xHH and {N*c}.</summary>
    public static byte[] Decode(string block, string pid = "{PID}") =>
        Support.Bytes.Of(block.Replace("{PID}", pid, StringComparison.Ordinal));
}

/// <summary>Reads vectors.md into <see cref="Vector"/> values.</summary>
public static class VectorFile
{
    private static readonly Lazy<Dictionary<string, Vector>> All = new(Load);

    public static Vector Get(string id) => All.Value[id];

    public static IEnumerable<string> Ids(char prefix) => All.Value.Keys.Where(k => k[0] == prefix).Order(StringComparer.Ordinal);

    private static Dictionary<string, Vector> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Injector", "Vectors", "vectors.md");
        var lines = File.ReadAllLines(path);
        var result = new Dictionary<string, Vector>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("### ", StringComparison.Ordinal) || lines[i].Length < 7 || lines[i][4] is not ('I' or 'S'))
                continue;
            var end = i + 1;
            while (end < lines.Length && !lines[end].StartsWith("##", StringComparison.Ordinal))
                end++;
            var vector = Parse(lines[i], lines[(i + 1)..end]);
            result[vector.Id] = vector;
            i = end - 1;
        }
        return result;
    }

    private static Vector Parse(string heading, string[] body)
    {
        var id = heading[4..7];
        string Meta(string key) => body.FirstOrDefault(l => l.StartsWith("- " + key + ":", StringComparison.Ordinal))?[(key.Length + 3)..].Trim() ?? "";
        string? Block(string label)
        {
            var at = Array.FindIndex(body, l => l.StartsWith(label, StringComparison.Ordinal));
            if (at < 0)
                return null;
            if (body[at].Contains("(empty)", StringComparison.Ordinal))
                return "";
            var open = Array.FindIndex(body, at, l => l == "```");
            var close = Array.FindIndex(body, open + 1, l => l == "```");
            // Display line breaks are not data: only the escapes are.
            return string.Concat(body[(open + 1)..close]);
        }
        static string Unquote(string s) => s.Trim('`');
        var exit = Meta("Expected exit code").Trim('*');
        var queueExit = Meta("Queue program exits with").Trim('*', '`');
        return new Vector
        {
            Id = id,
            Title = heading[7..].Trim(' ', '—'),
            Program = Unquote(Meta("Program")),
            Arguments = JsonSerializer.Deserialize<List<string>>(Unquote(Meta("Arguments"))) ?? [],
            Environment = JsonSerializer.Deserialize<Dictionary<string, string>>(Unquote(Meta("Environment"))) ?? [],
            ControlSet = Meta("Control files"),
            ExitCode = int.Parse(exit, CultureInfo.InvariantCulture),
            QueueExit = queueExit.Length > 0 ? int.Parse(queueExit, CultureInfo.InvariantCulture) : 0,
            Input = Vector.Decode(Block("Input (stdin)") ?? ""),
            Envelope = Block("Expected envelope"),
            Message = Block("Expected message"),
            Stdout = Block("Expected stdout"),
            Stderr = Block("Expected stderr"),
            QueueNotRun = body.Any(l => l.StartsWith("Queue program: not run", StringComparison.Ordinal)),
        };
    }
}
