using MiniQmail.Cli.Edges;
using MiniQmail.Injector.Handoff;
using MiniQmail.Qmqp.Codec;
using MiniQmail.Qmqp.Transport;

namespace MiniQmail.Cli.Classic;

/// <summary>
/// The default queue program: our QMQP client in this same process. The message is spooled
/// (memory below 1 MiB, an unlinked temporary file above) and handed over once complete, so a
/// message that fails half-way is never offered to a server.
/// </summary>
internal sealed class InProcessQueue(ProcessEnvironment env) : IQueueProgram
{
    private readonly SpoolWriter _spool = new(env.TempDirectory);

    public Stream Message => _spool;

    public QueueOutcome Finish(Envelope envelope)
    {
        using var message = _spool.ToSource();
        return QueueOutcome.Exited(Submission.Handoff("qmail-qmqpc", env, message, envelope));
    }

    public void Dispose() => _spool.Dispose();
}
