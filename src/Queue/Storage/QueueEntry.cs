using MiniQmail.Qmqp.Codec;

namespace MiniQmail.Queue.Storage;

/// <summary>What the queue knows about one message, without its body.</summary>
public sealed record QueueEntry(
    long Id,
    DateTimeOffset Created,
    long Size,
    Envelope Envelope,
    int Attempts,
    DateTimeOffset NextAttempt,
    string? LastError,
    bool Held,
    uint Owner);
