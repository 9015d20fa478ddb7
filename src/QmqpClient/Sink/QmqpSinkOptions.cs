using System.Net;

namespace MiniQmail.Qmqp.Sink;

/// <summary>How a <see cref="QmqpSink"/> listens, answers and stores.</summary>
public sealed record QmqpSinkOptions
{
    public required IPEndPoint Listen { get; init; }

    /// <summary>Where accepted messages go; null to accept and discard (for load tests).</summary>
    public string? Maildir { get; init; }

    /// <summary>The status byte of every reply: 'K' (store and accept), 'Z' or 'D' (refuse, store nothing).</summary>
    public char Reply { get; init; } = 'K';

    public string? ReplyText { get; init; }

    /// <summary>
    /// Clients allowed to connect; everyone else is disconnected at once without a reply. Empty
    /// means loopback only, the "allow these, deny the rest" rule of QMQP set-ups.
    /// </summary>
    public IReadOnlyList<IPNetwork> Allow { get; init; } = [];

    /// <summary>Longest the sink waits for the next bytes of a request.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest envelope address accepted.</summary>
    public int MaxAddressLength { get; init; } = 64 * 1024;

    public bool IsAllowed(IPAddress client)
    {
        if (client.IsIPv4MappedToIPv6)
            client = client.MapToIPv4();
        return Allow.Count == 0 ? IPAddress.IsLoopback(client) : Allow.Any(n => n.Contains(client));
    }
}
