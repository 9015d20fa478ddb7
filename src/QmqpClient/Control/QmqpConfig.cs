using System.Text;

namespace MiniQmail.Control;

/// <summary>Connect and I/O limits of the QMQP client.</summary>
public sealed record QmqpTimeouts(TimeSpan Connect, TimeSpan Io)
{
    /// <summary>The original's fixed limits: 10 s to connect, 60 s per read or write.</summary>
    public static readonly QmqpTimeouts Default = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60));

    /// <summary>Control file with the connect timeout in seconds (a project addition).</summary>
    public const string ConnectFile = "timeoutqmqpconnect";

    /// <summary>Control file with the read/write timeout in seconds (a project addition).</summary>
    public const string IoFile = "timeoutqmqp";
}

/// <summary>What the QMQP client reads from the control directory, or why it could not.</summary>
public sealed record QmqpConfig(IReadOnlyList<QmqpServer> Servers, QmqpTimeouts Timeouts)
{
    public const string ServersFile = "qmqpservers";

    /// <summary>
    /// Reads control/me (existence only, as the original does), control/qmqpservers and the
    /// timeout files. Any failure is a configuration error: exit 55 for qmail-qmqpc.
    /// </summary>
    public static bool TryLoad(Layout layout, out QmqpConfig? config, out string error)
    {
        config = null;
        if (ControlFile.ReadAll(layout.Control("me"), out _, out var meError) == ControlReadStatus.Error)
        {
            error = $"unable to read control/me: {meError}";
            return false;
        }
        switch (ControlFile.ReadAll(layout.Control(ServersFile), out var content, out var readError))
        {
            case ControlReadStatus.Missing:
                error = "unable to read control/qmqpservers: file does not exist";
                return false;
            case ControlReadStatus.Error:
                error = $"unable to read control/qmqpservers: {readError}";
                return false;
        }
        if (!TryParseServers(content, out var servers, out error))
            return false;
        if (!TryReadSeconds(layout, QmqpTimeouts.ConnectFile, QmqpTimeouts.Default.Connect, out var connect, out error)
            || !TryReadSeconds(layout, QmqpTimeouts.IoFile, QmqpTimeouts.Default.Io, out var io, out error))
            return false;
        config = new QmqpConfig(servers, new QmqpTimeouts(connect, io));
        return true;
    }

    /// <summary>Parses the content of control/qmqpservers; an empty list is an error.</summary>
    public static bool TryParseServers(ReadOnlySpan<byte> content, out List<QmqpServer> servers, out string error)
    {
        servers = [];
        error = "";
        foreach (var (line, item) in ControlFile.ParseListWithLineNumbers(content))
        {
            // Comment-only lines after leading blanks are skipped too, unlike the original.
            var trimmed = Encoding.ASCII.GetString(item).TrimStart(' ', '\t');
            if (trimmed.Length == 0 || trimmed[0] == '#' || trimmed.TrimEnd('\r').Length == 0)
                continue;
            if (!QmqpServer.TryParse(item, out var server, out var why))
            {
                error = $"control/qmqpservers line {line}: {why}";
                return false;
            }
            servers.Add(server!);
        }
        if (servers.Count == 0)
        {
            error = "control/qmqpservers lists no server";
            return false;
        }
        return true;
    }

    private static bool TryReadSeconds(Layout layout, string name, TimeSpan fallback, out TimeSpan value, out string error)
    {
        var ok = ControlFile.TryReadNumber(layout, name, fallback.TotalSeconds, s => s > 0 && s <= 86400,
            "a number of seconds (0 < n <= 86400)", out var seconds, out error);
        value = TimeSpan.FromSeconds(seconds);
        return ok;
    }
}
