using System.Text;
using MiniQmail.Control;

namespace MiniQmail.Injector.Handoff;

/// <summary>Which queue program a run uses (qmail-inject.md §11): QMAILQUEUE if set, else the QMQP client in this process.</summary>
public static class QueueLaunchers
{
    /// <summary>
    /// <paramref name="inProcess"/> unless QMAILQUEUE names a program; that one is started in
    /// the home directory with <paramref name="environment"/> (NAME=value entries).
    /// </summary>
    public static QueueLauncher Select(Func<string, byte[]?> env, Layout layout, Func<IQueueProgram> inProcess,
        Func<IReadOnlyList<byte[]>>? environment = null)
    {
        if (env("QMAILQUEUE") is not { } program)
            return () => inProcess();
        return () => SpawnedQueueProgram.Start(program, Encoding.UTF8.GetBytes(layout.Home), environment?.Invoke() ?? []);
    }
}
