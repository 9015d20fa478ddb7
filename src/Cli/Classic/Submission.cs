using MiniQmail.Cli.Edges;
using MiniQmail.Control;
using MiniQmail.Qmqp.Codec;
using MiniQmail.Qmqp.Transport;

namespace MiniQmail.Cli.Classic;

/// <summary>
/// The one place a finished message and envelope leave this process: offered to the QMQP
/// servers, every failed attempt reported on one line. Both qmail-qmqpc and the in-process
/// hand-off of qmail-inject come here, so they cannot drift apart.
/// </summary>
internal static class Submission
{
    public static int Submit(string program, ProcessEnvironment env, QmqpConfig config, MessageSource message, Envelope envelope)
    {
        var result = QmqpSender.Send(config.Servers, message, envelope, config.Timeouts,
            attempt => Stdio.Warning(program, attempt.ToString()));
        if (result.Final is { Status: AttemptStatus.PermanentRefusal } refused)
            Stdio.Warning(program, refused.ToString());
        return result.ExitCode;
    }
}
