using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MiniQmail.Tests.Injector.Vectors;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.Injector;

/// <summary>
/// The vectors again, through the built executable under its classic names, with a capture
/// program as QMAILQUEUE (vectors.md §1.2). The clock is real here, so dates are compared as a
/// pattern and {PID} is read from the Message-ID; the exact values are checked in process.
/// </summary>
public sealed partial class ProcessVectorTests : IDisposable
{
    private readonly ScratchHome _home = new();

    /// <summary>S10 (-bs) differs on purpose and is tested as an SMTP session.</summary>
    public static TheoryData<string> Ids() => [.. VectorFile.Ids('I').Concat(VectorFile.Ids('S')).Where(id => id != "S10")];

    public void Dispose() => _home.Dispose();

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_classic_program_reproduces_the_reference_output(string id)
    {
        var v = VectorFile.Get(id);
        foreach (var (name, content) in Vector.ControlFiles(v.ControlSet))
            _home.WriteControl(name, content);
        var capture = Path.Combine(_home.Root, "capture");
        Directory.CreateDirectory(capture);
        var queue = Path.Combine(_home.Root, "capture-queue");
        File.WriteAllText(queue, $"#!/bin/sh\ncat > '{capture}/message'\ncat <&1 > '{capture}/envelope'\nexit {v.QueueExit}\n");
        File.SetUnixFileMode(queue, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var cwd = Path.Combine(_home.Root, "cwd");
        Directory.CreateDirectory(cwd);
        File.WriteAllBytes(Path.Combine(cwd, "mft"), "List@Lists.Example\n# a comment\n\nother@x.example  \n"u8.ToArray());

        var env = _home.Environment(("QMAILQUEUE", queue));
        foreach (var (name, value) in v.Environment)
            env[name] = value;
        var result = ProgramRunner.Run(_home.Bin(v.Program), v.Arguments, v.Input, env, timeout: TimeSpan.FromSeconds(30), workingDirectory: cwd);

        var message = Read(Path.Combine(capture, "message"));
        var pid = Pid(message) ?? Pid(result.Stdout) ?? "{PID}";
        Assert.Equal(Expected(v.Stderr ?? "", pid), Normalize(result.Stderr));
        Assert.Equal(v.ExitCode, result.ExitCode);
        if (v.Stdout is not null)
            Assert.Equal(Expected(v.Stdout, pid), Normalize(result.Stdout));
        if (v.Message is not null)
            Assert.Equal(Expected(v.Message, pid), Normalize(message ?? []));
        if (v.Envelope is not null)
            Assert.Equal(Expected(v.Envelope, pid), Normalize(Read(Path.Combine(capture, "envelope")) ?? []));
        if (v.QueueNotRun)
            Assert.Null(message);
    }

    private static byte[]? Read(string path) => File.Exists(path) ? File.ReadAllBytes(path) : null;

    /// <summary>The pid in a generated Message-ID.</summary>
    private static string? Pid(byte[]? output) =>
        output is null ? null : MessageIdPid().Match(Encoding.Latin1.GetString(output)) is { Success: true } m ? m.Groups[1].Value : null;

    private static string Expected(string block, string pid) => Normalize(Vector.Decode(block, pid));

    /// <summary>Dates (any zone) and Message-ID / VERP times become placeholders; the rest is compared byte for byte.</summary>
    private static string Normalize(byte[] bytes)
    {
        var text = VectorHarness.Show(bytes);
        text = DatePattern().Replace(text, "{DATE}");
        text = IdTime().Replace(text, "<{TIME}.");
        return VerpTime().Replace(text, "-{TIME}.");
    }

    [GeneratedRegex(@"<\d{14}\.(\d+)\.qmail@")]
    private static partial Regex MessageIdPid();

    [GeneratedRegex(@"\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [-+]\d{4}")]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"<\d{14}\.")]
    private static partial Regex IdTime();

    [GeneratedRegex(@"-\d{10}\.")]
    private static partial Regex VerpTime();
}
