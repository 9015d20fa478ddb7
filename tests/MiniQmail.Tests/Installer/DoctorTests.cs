using System.Net;
using System.Net.Sockets;
using MiniQmail.Installer.Doctor;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.Installer;

public class DoctorTests
{
    private const string Home = InstallScratch.Home;

    private static InstallScratch Installed(string servers)
    {
        var s = new InstallScratch();
        Assert.True(s.Install().Succeeded);
        foreach (var (name, value) in new[] { ("me", "a.example"), ("defaultdomain", "example"), ("plusdomain", "example"), ("idhost", "id.example"), ("qmqpservers", servers) })
            File.WriteAllText(s.Real($"{Home}/control/{name}"), value + "\n");
        return s;
    }

    private static List<CheckResult> Check(InstallScratch s) => Doctor.Run(new DoctorContext(s.Target), Doctor.DefaultChecks).ToList();

    [Fact]
    public void A_complete_installation_with_a_listening_server_passes_and_nothing_is_sent()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var s = Installed($"127.0.0.1:{port}");

        var results = Check(s);
        Assert.DoesNotContain(results, r => r.Status == CheckStatus.Failed);
        Assert.Contains(results, r => r.Subject == $"qmqp 127.0.0.1:{port}" && r.Status == CheckStatus.Ok);
        Assert.Contains(results, r => r.Subject == Home + "/bin" && r.Detail.StartsWith("17 programs", StringComparison.Ordinal));

        using var accepted = listener.AcceptSocket();
        accepted.ReceiveTimeout = 5000;
        Assert.Equal(0, accepted.Receive(new byte[16])); // closed without a byte
    }

    [Fact]
    public void A_refused_connection_fails_the_server_check()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var s = Installed($"127.0.0.1:{port}");

        var line = Assert.Single(Check(s), r => r.Subject.StartsWith("qmqp ", StringComparison.Ordinal));
        Assert.Equal(CheckStatus.Failed, line.Status);
        Assert.StartsWith($"FAIL: qmqp 127.0.0.1:{port}: unable to connect: ", line.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_that_does_not_answer_fails_the_server_check_within_the_connect_timeout()
    {
        using var silent = new BlackHoleListener();
        using var s = Installed(silent.Entry);
        File.WriteAllText(s.Real($"{Home}/control/{MiniQmail.Control.QmqpTimeouts.ConnectFile}"), "1\n");

        var started = System.Diagnostics.Stopwatch.StartNew();
        var line = Assert.Single(Check(s), r => r.Subject.StartsWith("qmqp ", StringComparison.Ordinal));
        Assert.Equal($"FAIL: qmqp {silent.Entry}: no connection within 1 s", line.ToString());
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Missing_qmqpservers_a_broken_link_and_a_world_writable_file_each_fail()
    {
        using var s = Installed("127.0.0.1");
        File.Delete(s.Real(Home + "/control/qmqpservers"));
        File.Delete(s.Real(Home + "/lib/mini-qmail/mini-qmail"));
        File.SetUnixFileMode(s.Real(Home + "/control/me"), (UnixFileMode)0b110_110_110);

        var failed = Check(s).Where(r => r.Status == CheckStatus.Failed).Select(r => r.ToString()).ToList();
        Assert.Contains(failed, l => l.StartsWith("FAIL: control/qmqpservers: unable to read control/qmqpservers", StringComparison.Ordinal));
        Assert.Contains(failed, l => l.StartsWith($"FAIL: {Home}/bin: broken: mini-qmail (missing), qmail-qmqpc (missing)", StringComparison.Ordinal));
        Assert.Contains(failed, l => l == $"FAIL: {Home}: world-writable: {s.Real(Home + "/control/me")}");
    }

    [Fact]
    public void A_real_sendmail_left_in_place_is_a_warning_not_a_failure()
    {
        using var s = new InstallScratch();
        Directory.CreateDirectory(s.Real("/usr/sbin"));
        File.WriteAllText(s.Real("/usr/sbin/sendmail"), "postfix");
        Assert.True(s.Install().Succeeded);
        var line = Assert.Single(Check(s), r => r.Subject == "/usr/sbin/sendmail");
        Assert.Equal(CheckStatus.Warning, line.Status);
    }

    private sealed class Throws : IDoctorCheck
    {
        public IEnumerable<CheckResult> Run(DoctorContext context) => throw new IOException("queue directory unreadable");
    }

    private sealed class Fine : IDoctorCheck
    {
        public IEnumerable<CheckResult> Run(DoctorContext context) => [new(CheckStatus.Ok, "queue", "empty")];
    }

    [Fact]
    public void Added_checks_run_in_order_and_one_that_throws_is_a_failed_line()
    {
        using var s = new InstallScratch();
        var lines = Doctor.Run(new DoctorContext(s.Target), [new Throws(), new Fine()]).Select(r => r.ToString()).ToList();
        Assert.Equal(["FAIL: Throws: queue directory unreadable", "ok: queue: empty"], lines);
    }

    [Fact]
    public void The_doctor_command_exits_non_zero_when_a_check_fails_and_zero_when_none_does()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var s = Installed($"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        var good = ProgramRunner.Run(Programs.Executable, ["doctor", "--root", s.Root, "--home", Home], timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(0, good.ExitCode);
        Assert.All(good.StdoutText.TrimEnd('\n').Split('\n'), l => Assert.Matches("^(ok|warning|FAIL): ", l));

        File.Delete(s.Real(Home + "/control/qmqpservers"));
        var bad = ProgramRunner.Run(Programs.Executable, ["doctor", "--root", s.Root, "--home", Home], timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("FAIL: control/qmqpservers: ", bad.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public void A_home_the_programs_will_not_find_is_a_warning()
    {
        using var s = new InstallScratch();
        Assert.True(s.Install().Succeeded);
        var lines = Doctor.Run(new DoctorContext(s.Target, ProgramsHome: "/var/mini-qmail-elsewhere"), [new LayoutCheck()]).ToList();
        Assert.Equal(CheckStatus.Warning, lines[0].Status);
        Assert.Contains($"set MINIQMAIL_HOME={Home}", lines[0].Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Doctor.Run(new DoctorContext(s.Target, ProgramsHome: Home), [new LayoutCheck()]), r => r.Status != CheckStatus.Ok);
    }
}
