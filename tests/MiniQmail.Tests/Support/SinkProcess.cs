using System.Diagnostics;
using System.Net;

namespace MiniQmail.Tests.Support;

/// <summary>A `mini-qmail sink` process on a loopback port, stopped with the test.</summary>
public sealed class SinkProcess : IDisposable
{
    private readonly Process _process;
    // The sink is killed at the end; the runtime's diagnostics socket it leaves goes here, not /tmp.
    private readonly string _temp = Directory.CreateTempSubdirectory("mini-qmail-sink.").FullName;

    public SinkProcess(string maildir, params string[] extraArgs)
    {
        Maildir = maildir;
        var info = new ProcessStartInfo(Programs.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.Environment["TMPDIR"] = _temp;
        foreach (var a in (string[])["sink", "--listen", "127.0.0.1:0", "--maildir", maildir, .. extraArgs])
            info.ArgumentList.Add(a);
        _process = Process.Start(info)!;
        var line = _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
        const string marker = "listening on ";
        if (line is null || !line.Contains(marker, StringComparison.Ordinal))
            throw new InvalidOperationException($"sink did not start: {line} {_process.StandardError.ReadToEnd()}");
        EndPoint = IPEndPoint.Parse(line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..]);
    }

    public string Maildir { get; }

    public IPEndPoint EndPoint { get; }

    public string Entry => $"{EndPoint.Address}:{EndPoint.Port}";

    /// <summary>Messages delivered into new/, waiting (bounded) until at least <paramref name="count"/> are there.</summary>
    public string[] WaitForMessages(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var files = Directory.Exists(Path.Combine(Maildir, "new")) ? Directory.GetFiles(Path.Combine(Maildir, "new")) : [];
            if (files.Length >= count || DateTime.UtcNow > deadline)
                return files.Order(StringComparer.Ordinal).ToArray();
            Thread.Sleep(50);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process.Dispose();
        Directory.Delete(_temp, recursive: true);
    }
}
