using Xunit;
using System.Text;
using MiniQmail.Control;
using MiniQmail.Injector.Handoff;
using MiniQmail.Injector.Inject;
using MiniQmail.Qmqp.Codec;

namespace MiniQmail.Tests.Injector.Vectors;

/// <summary>A queue program that keeps what it is given and exits with a chosen code (vectors.md §1.2).</summary>
public sealed class CaptureQueue(int exitCode) : IQueueProgram
{
    public MemoryStream Captured { get; } = new();
    public byte[]? Envelope { get; private set; }
    public bool Started { get; set; }

    public Stream Message => Captured;

    public QueueOutcome Finish(Envelope envelope)
    {
        Envelope = envelope.ToQueueForm();
        return QueueOutcome.Exited(exitCode);
    }

    public void Dispose()
    {
    }
}

/// <summary>The fixed test environment of vectors.md §1.2 for in-process runs: a scratch home and working directory.</summary>
public sealed class VectorHarness : IDisposable
{
    public const int Pid = 4242;
    public static readonly DateTimeOffset Frozen = DateTimeOffset.FromUnixTimeSeconds(1704423845);

    public string Root { get; } = Directory.CreateTempSubdirectory("mq-inject-").FullName;

    public Layout Layout(string set)
    {
        var home = Path.Combine(Root, "home-" + set);
        if (!Directory.Exists(home))
        {
            Directory.CreateDirectory(Path.Combine(home, "control"));
            Directory.CreateDirectory(Path.Combine(home, "bin"));
            foreach (var (name, content) in Vector.ControlFiles(set))
                File.WriteAllBytes(Path.Combine(home, "control", name), Encoding.UTF8.GetBytes(content));
        }
        return new Layout(home);
    }

    public string WorkingDirectory
    {
        get
        {
            var dir = Path.Combine(Root, "cwd");
            if (!Directory.Exists(dir))
            {
                Directory.CreateDirectory(dir);
                File.WriteAllBytes(Path.Combine(dir, "mft"), "List@Lists.Example\n# a comment\n\nother@x.example  \n"u8.ToArray());
            }
            return dir;
        }
    }

    public static Func<string, byte[]?> Env(IReadOnlyDictionary<string, string> variables) =>
        name => variables.TryGetValue(name, out var value) ? Encoding.UTF8.GetBytes(value) : null;

    public static byte[][] Words(IEnumerable<string> args) => [.. args.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Runs qmail-inject in process as the vector describes.</summary>
    public (InjectResult Result, CaptureQueue Queue, byte[] Stdout) RunInject(Vector v, IReadOnlyList<byte[]> args,
        Func<string, byte[]?> env, byte[]? input = null, int? headerLimit = null) =>
        RunInject(v, args, env, new MemoryStream(input ?? v.Input), headerLimit);

    public (InjectResult Result, CaptureQueue Queue, byte[] Stdout) RunInject(Vector v, IReadOnlyList<byte[]> args,
        Func<string, byte[]?> env, Stream input, int? headerLimit = null)
    {
        var queue = new CaptureQueue(v.QueueExit);
        var stdout = new MemoryStream();
        var request = new InjectRequest
        {
            Arguments = args,
            Environment = env,
            Layout = Layout(v.ControlSet),
            WorkingDirectory = WorkingDirectory,
            Clock = new FixedClock(Frozen),
            ProcessId = Pid,
            Input = input,
            Output = stdout,
            Launch = QueueLaunchers.Select(env, Layout(v.ControlSet), () =>
            {
                queue.Started = true;
                return queue;
            }),
            HeaderLimit = headerLimit ?? InjectRequest.DefaultHeaderLimit,
        };
        var result = QmailInject.Run(request);
        return (result, queue, stdout.ToArray());
    }

    /// <summary>Checks every expectation the vector states.</summary>
    public static void Check(Vector v, InjectResult result, CaptureQueue queue, byte[] stdout)
    {
        var pid = Pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Show(Vector.Decode(v.Stderr ?? "", pid)), Show(result.Diagnostic));
        Assert.Equal(v.ExitCode, result.ExitCode);
        if (v.Stdout is not null)
            Assert.Equal(Show(Vector.Decode(v.Stdout, pid)), Show(stdout));
        if (v.Message is not null)
            Assert.Equal(Show(Vector.Decode(v.Message, pid)), Show(queue.Captured.ToArray()));
        if (v.Envelope is not null)
            Assert.Equal(Show(Vector.Decode(v.Envelope, pid)), Show(queue.Envelope ?? []));
        if (v.QueueNotRun)
            Assert.False(queue.Started, "the queue program must not be started");
    }

    /// <summary>Bytes in the vectors' escape notation, so a failure shows which byte differs.</summary>
    public static string Show(byte[] bytes) => Support.Bytes.Show(bytes, breakLines: true);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A clock frozen at one instant.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
