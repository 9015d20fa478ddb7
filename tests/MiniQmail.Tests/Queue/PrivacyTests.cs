using System.Globalization;
using MiniQmail.Qmqp.Transport;
using MiniQmail.Queue.Storage;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.Queue;

/// <summary>
/// The privacy model (docs/queue.md): the queue directory is root:QUEUEGROUP mode 2770; root and
/// the group's members queue, everyone else gets mini-qmail's no-queue behaviour and can neither
/// read nor change what is queued. Two unprivileged users, one in the group and one not. Needs
/// root (useradd, setpriv): skipped elsewhere, but never under CI.
/// </summary>
public sealed class PrivacyTests : IDisposable
{
    private const string Member = "mqtest-member";
    private const string Outsider = "mqtest-outsider";
    private const string Group = "mqtest-queue";
    private readonly List<string> _cleanup = [];

    [SkippableFact]
    public void Only_root_and_the_queue_group_can_queue_read_or_change_queued_mail()
    {
        Skip.If(!QueueKit.IsRoot && !QueueKit.UnderCi, "needs root to create users");
        Assert.True(QueueKit.IsRoot, "CI runs the privacy test as root");
        Sh($"getent group {Group} >/dev/null || groupadd {Group}");
        _cleanup.Add($"groupdel {Group}");
        foreach (var user in new[] { Member, Outsider })
        {
            Sh($"id {user} >/dev/null 2>&1 || useradd -M -N -g nogroup -s /usr/sbin/nologin {user}");
            _cleanup.Insert(0, $"userdel {user}");
        }
        Sh($"usermod -a -G {Group} {Member}");

        using var home = QueueKit.HomeWithQueue();
        var queue = QueueKit.QueueDir(home);
        Directory.CreateDirectory(queue);
        Sh($"chmod 755 '{home.Root}' '{home.Home}' && chown root:{Group} '{queue}' && chmod 2770 '{queue}'");
        // Root makes the database, as install does, so it is root's and the group's.
        Assert.Equal(0, QueueKit.Cli(home, "queue", "list").ExitCode);
        var message = Path.Combine(home.Root, "message");
        File.WriteAllBytes(message, QueueKit.Message(1));
        var envelope = Path.Combine(home.Root, "envelope");
        File.WriteAllBytes(envelope, QueueKit.Envelope("member@x.example").ToQueueForm());
        Sh($"chmod 644 '{message}' '{envelope}'");

        // The member queues while the servers are down, silently, with exit 0.
        var queued = As(home, Member, $"exec '{home.Bin("qmail-queue")}' <'{message}' 1<'{envelope}'");
        Assert.Equal("exit 0; stdout: ; stderr: ", queued.ToString());
        using (var store = QueueKit.Open(home))
            Assert.Equal(Uid(Member), Assert.Single(store.List()).Owner);

        // The outsider gets the no-queue behaviour: the temporary error, and a word why.
        var refused = As(home, Outsider, $"exec '{home.Bin("qmail-queue")}' <'{message}' 1<'{envelope}'");
        Assert.Equal(QueueExitCode.ConnectRefused, refused.ExitCode);
        Assert.Contains("not queued", refused.StderrText, StringComparison.Ordinal);

        // ... and can neither read nor change what is queued.
        var db = SqliteQueueStore.DatabasePath(queue);
        Assert.NotEqual(0, As(home, Outsider, $"cat '{db}' >/dev/null").ExitCode);
        Assert.NotEqual(0, As(home, Outsider, $"ls '{queue}'").ExitCode);
        Assert.Equal(111, As(home, Outsider, $"exec '{Programs.Executable}' queue list").ExitCode);
        Assert.Equal(111, As(home, Outsider, $"exec '{Programs.Executable}' queue show 1").ExitCode);
        Assert.Equal(111, As(home, Outsider, $"exec '{Programs.Executable}' queue delete 1").ExitCode);

        // A flush by root (cron) leaves files the member can still use.
        Assert.Equal(0, QueueKit.Cli(home, "flush").ExitCode);
        Assert.Equal(0, As(home, Member, $"exec '{home.Bin("qmail-queue")}' <'{message}' 1<'{envelope}'").ExitCode);
        using (var store = QueueKit.Open(home))
            Assert.Equal(2, store.List().Count);
        Assert.Equal("", Sh($"find '{queue}' ! -group {Group} -o -perm /o=rwx").StdoutText);
    }

    private static ProgramResult As(ScratchHome home, string user, string script) =>
        ProgramRunner.Run("/usr/bin/setpriv", ["--reuid", user, "--regid", "nogroup", "--init-groups", "/bin/sh", "-c", script],
            env: home.Environment(("HOME", "/tmp")), timeout: TimeSpan.FromSeconds(60));

    private static uint Uid(string user) => uint.Parse(Sh($"id -u {user}").StdoutText.Trim(), CultureInfo.InvariantCulture);

    private static ProgramResult Sh(string script)
    {
        var result = ProgramRunner.Run("/bin/sh", ["-c", script], timeout: TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, $"{script}: {result}");
        return result;
    }

    public void Dispose()
    {
        foreach (var command in _cleanup)
            ProgramRunner.Run("/bin/sh", ["-c", command + " 2>/dev/null"], timeout: TimeSpan.FromSeconds(30));
    }
}
