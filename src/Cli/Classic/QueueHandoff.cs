using System.Runtime.CompilerServices;
using MiniQmail.Cli.Edges;
using MiniQmail.Control;
using MiniQmail.Qmqp.Codec;
using MiniQmail.Qmqp.Transport;
using MiniQmail.Queue;
using MiniQmail.Queue.Storage;

namespace MiniQmail.Cli.Classic;

/// <summary>
/// Submission with the retry queue on: the servers first, as without a queue; if none accepts
/// and none refused for good, the message is committed to the queue (fsynced) and the caller
/// gets 0. A D reply is never queued. A user who cannot open the queue (see docs/queue.md,
/// "Privacy") gets the no-queue behaviour. Kept apart from <see cref="Submission"/> so that the
/// JIT meets the queue's types only when the queue is on.
/// </summary>
internal static class QueueHandoff
{
    /// <summary>The name of the switch (MiniQmail.Queue.QueueSettings.SwitchFile, not referenced so as not to load it).</summary>
    public const string SwitchFile = "queue";

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int SendOrQueue(string program, ProcessEnvironment env, QmqpConfig config, MessageSource message, Envelope envelope)
    {
        // Failed attempts are told only if the message is not queued in the end: a queued
        // message is a success, and cron would mail any output (through this very queue).
        var attempts = new List<string>();
        var result = QmqpSender.Send(config.Servers, message, envelope, config.Timeouts, attempt => attempts.Add(attempt.ToString()));
        if (result.Accepted)
            return QueueExitCode.Success;
        void TellAttempts() => attempts.ForEach(line => Stdio.Warning(program, line));
        if (result.Final is { Status: AttemptStatus.PermanentRefusal } refused)
        {
            TellAttempts();
            Stdio.Warning(program, refused.ToString());
            return result.ExitCode;
        }

        if (!QueueSettings.TryLoad(env.Layout, out var settings, out var settingsError))
        {
            TellAttempts();
            Stdio.Fatal(program, $"no server accepted the message and the queue is unusable: {settingsError}");
            return QueueExitCode.ConfigurationError;
        }
        try
        {
            using var store = SqliteQueueStore.Open(settings!.Directory, durableCommits: true, TestCrashPoints.From(env));
            store.Enqueue(message, envelope, ProcessIdentity.UserId, DateTimeOffset.UtcNow);
            return QueueExitCode.Success;
        }
        catch (QueueStoreException e) when (e.IsAccessDenied)
        {
            // Not a member of the queue's group: behave as mini-qmail without a queue.
            TellAttempts();
            Stdio.Warning(program, $"not queued: {e.Message}");
            return result.ExitCode;
        }
        catch (Exception e) when (e is QueueStoreException or IOException)
        {
            TellAttempts();
            Stdio.Fatal(program, $"no server accepted the message and the queue could not store it: {e.Message}");
            return QueueExitCode.WriteError;
        }
    }
}
