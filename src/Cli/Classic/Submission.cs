using MiniQmail.Cli.Edges;
using MiniQmail.Control;
using MiniQmail.Qmqp.Codec;
using MiniQmail.Qmqp.Transport;

namespace MiniQmail.Cli.Classic;

/// <summary>
/// The one place a finished message and envelope leave this process: offered to the QMQP
/// servers, every failed attempt reported on one line. qmail-qmqpc and the in-process hand-off
/// of qmail-inject (and everything built on it) both come here, so they cannot drift apart.
/// Results are qmail-queue exit codes (qmqp.md §6).
/// </summary>
internal static class Submission
{
    /// <summary>
    /// For a caller that has the message already (qmail-inject in-process): the steps of
    /// qmail-qmqpc after reading its input, home and configuration included, with its exit codes.
    /// </summary>
    public static int Handoff(string program, ProcessEnvironment env, MessageSource message, Envelope envelope)
    {
        var code = LoadConfig(program, env, out var config);
        return code != QueueExitCode.Success ? code : Submit(program, env, config!, message, envelope);
    }

    /// <summary>The home and the QMQP configuration, as qmail-qmqpc's steps 2-4 read them: 61 or 55 on failure.</summary>
    public static int LoadConfig(string program, ProcessEnvironment env, out QmqpConfig? config)
    {
        config = null;
        var layout = env.Layout;
        if (!Directory.Exists(layout.Home))
        {
            Stdio.Fatal(program, $"unable to switch to {layout.Home}");
            return QueueExitCode.HomeDirectoryError;
        }
        if (!QmqpConfig.TryLoad(layout, out config, out var configError))
        {
            Stdio.Fatal(program, configError);
            return QueueExitCode.ConfigurationError;
        }
        return QueueExitCode.Success;
    }

    public static int Submit(string program, ProcessEnvironment env, QmqpConfig config, MessageSource message, Envelope envelope)
    {
        // One stat while the queue is off; the queue's assemblies and SQLite load only past it.
        if (File.Exists(env.Layout.Control(QueueHandoff.SwitchFile)))
            return QueueHandoff.SendOrQueue(program, env, config, message, envelope);
        var result = QmqpSender.Send(config.Servers, message, envelope, config.Timeouts,
            attempt => Stdio.Warning(program, attempt.ToString()));
        if (result.Final is { Status: AttemptStatus.PermanentRefusal } refused)
            Stdio.Warning(program, refused.ToString());
        return result.ExitCode;
    }
}
