using System.Text;
using MiniQmail.Control;
using MiniQmail.Installer.Files;

namespace MiniQmail.Installer.Config;

/// <summary>The five control files config-mini writes (layout.md §6), validated.</summary>
public sealed record ConfigMiniRequest(string Me, string DefaultDomain, string PlusDomain, string IdHost, IReadOnlyList<string> Servers)
{
    /// <summary>The single-value files in the order they are written, with their values.</summary>
    public IEnumerable<(string Name, string Value)> SingleValues =>
        [("me", Me), ("defaultdomain", DefaultDomain), ("plusdomain", PlusDomain), ("idhost", IdHost)];
}

/// <summary>Why config-mini's arguments were refused.</summary>
public sealed record ConfigMiniRefusal(bool IsUsage, IReadOnlyList<string> Problems);

/// <summary>
/// config-mini (layout.md §6): me, defaultdomain, plusdomain, idhost and qmqpservers from the
/// command line. Unlike the original it checks every argument before writing anything, and
/// writes each file atomically, so a mistake never leaves a half-configured host.
/// </summary>
public static class ConfigMini
{
    public const string Usage = "usage: config-mini me defaultdom plusdom idhost qmqpserver ...";

    /// <summary>Checks the arguments: host names for the first four, server entries as qmail-qmqpc reads them for the rest.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out ConfigMiniRequest? request, out ConfigMiniRefusal? refusal)
    {
        request = null;
        refusal = null;
        if (args.Count < 5)
        {
            refusal = new ConfigMiniRefusal(true, [Usage]);
            return false;
        }
        var problems = new List<string>();
        string[] names = ["me", "defaultdomain", "plusdomain", "idhost"];
        for (var i = 0; i < 4; i++)
        {
            if (!QmqpServer.IsHostName(args[i]))
                problems.Add($"{names[i]}: '{args[i]}' is not a host name");
        }
        foreach (var server in args.Skip(4))
        {
            if (ServerProblem(server) is { } why)
                problems.Add($"qmqpserver: '{server}' is not a server address: {why}");
        }
        if (problems.Count > 0)
        {
            refusal = new ConfigMiniRefusal(false, problems);
            return false;
        }
        request = new ConfigMiniRequest(args[0], args[1], args[2], args[3], args.Skip(4).ToArray());
        return true;
    }

    /// <summary>
    /// Why an argument cannot be a line of qmqpservers, or null. The entry must be the whole
    /// argument: blanks and '#' would be cut off by the reader and hide a typing mistake.
    /// </summary>
    private static string? ServerProblem(string server)
    {
        if (server.Length == 0)
            return "empty";
        if (server.Contains('#', StringComparison.Ordinal) || server.Any(char.IsWhiteSpace))
            return "no blanks or comments allowed";
        return QmqpServer.TryParse(Encoding.UTF8.GetBytes(server), out _, out var why) ? null : why;
    }

    /// <summary>
    /// Writes the files in the original's order, announcing each value with the original's
    /// "Putting … into control/…" line; stops at the first failure and names the file.
    /// </summary>
    /// <returns>null on success, else the control file (e.g. <c>control/me</c>) and the reason.</returns>
    public static (string File, string Reason)? Write(Layout layout, ConfigMiniRequest request, Action<string> announce)
    {
        foreach (var (name, value) in request.SingleValues)
        {
            announce($"Putting {value} into control/{name}...");
            if (!AtomicFile.TryWrite(layout.Control(name), Encoding.UTF8.GetBytes(value + "\n"), AtomicFile.ControlFileMode, out var error))
                return ($"control/{name}", error!);
        }
        var servers = new StringBuilder();
        foreach (var server in request.Servers)
        {
            announce($"Putting {server} into control/{QmqpConfig.ServersFile}...");
            servers.Append(server).Append('\n');
        }
        if (!AtomicFile.TryWrite(layout.Control(QmqpConfig.ServersFile), Encoding.UTF8.GetBytes(servers.ToString()), AtomicFile.ControlFileMode, out var serversError))
            return ($"control/{QmqpConfig.ServersFile}", serversError!);
        return null;
    }
}
