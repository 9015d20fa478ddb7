using MiniQmail.Control;

namespace MiniQmail.Qmqp.Transport;

/// <summary>How one attempt to hand a message to one server ended.</summary>
public enum AttemptStatus
{
    /// <summary>The server answered K.</summary>
    Accepted,
    /// <summary>The server answered Z.</summary>
    TemporaryRefusal,
    /// <summary>The server answered D.</summary>
    PermanentRefusal,
    /// <summary>No connection within the connect timeout.</summary>
    ConnectTimeout,
    /// <summary>The connection was refused or could not be made (includes name resolution failures).</summary>
    ConnectFailed,
    /// <summary>Connected, then the conversation broke: write or read error, close, silence, or a malformed reply.</summary>
    CommunicationFailed,
    /// <summary>No socket could be created for the address family.</summary>
    SocketFailed,
    /// <summary>The caller cancelled the attempt (not the server's fault).</summary>
    Cancelled,
}

/// <summary>
/// One attempt's outcome, with a one-line reason for the log and the server's reply text. A
/// class: a list of it then runs on the runtime's precompiled code instead of being compiled
/// at start-up (README, "Start-up").
/// </summary>
public sealed record AttemptResult(QmqpServer Server, string Endpoint, AttemptStatus Status, string Detail)
{
    /// <summary>Temporary outcomes are worth trying the next server (and, for a queue, later).</summary>
    public bool IsTemporary => Status is not (AttemptStatus.Accepted or AttemptStatus.PermanentRefusal);

    public override string ToString() => $"{Endpoint}: {Detail}";
}
