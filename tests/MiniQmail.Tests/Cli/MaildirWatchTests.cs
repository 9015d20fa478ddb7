using System.Text;
using MiniQmail.Cli.Classic;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.Cli;

public class MaildirWatchTests
{
    private static string Describe(string message)
    {
        var output = new MemoryStream();
        MaildirWatchProgram.Describe(Encoding.Latin1.GetBytes(message), output);
        return Encoding.Latin1.GetString(output.ToArray());
    }

    [Fact]
    public void The_first_example_of_the_spec_shows_envelope_from_line_and_summary()
    {
        var text = Describe("Return-Path: <joe@x.example>\nDelivered-To: me@y.example\nFrom: Joe <joe@x.example>\nSubject: Hello\n\nLine one\nLine two\n");
        Assert.Equal("FROM <joe@x.example> TO <me@y.example>\n\x1b[1mFrom: Joe <joe@x.example>\x1b[0m\nHello//Line one/Line two/\n\n", text);
    }

    [Fact]
    public void The_second_example_of_the_spec_shows_question_marks_and_slashes()
    {
        Assert.Equal("FROM ? TO <?>\nonly//b//\n\n", Describe("Subject: only\n\nb\u00e9\n"));
    }

    [Fact]
    public void The_summary_is_cut_to_158_bytes()
    {
        var text = Describe("Subject: s\n\n" + new string('x', 400));
        var summary = text.Split('\n')[1];
        Assert.Equal(158, summary.Length);
        Assert.StartsWith("s//xxx", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_screen_clears_and_lists_new_messages_oldest_first()
    {
        var dir = Directory.CreateTempSubdirectory("mini-qmail-watch.").FullName;
        try
        {
            foreach (var sub in new[] { "tmp", "new", "cur" })
                Directory.CreateDirectory(Path.Combine(dir, sub));
            File.WriteAllText(Path.Combine(dir, "new", "b"), "Subject: second\n\n");
            File.WriteAllText(Path.Combine(dir, "new", "a"), "Subject: first\n\n");
            File.WriteAllText(Path.Combine(dir, "new", ".hidden"), "Subject: hidden\n\n");
            File.SetLastWriteTimeUtc(Path.Combine(dir, "new", "b"), DateTime.UtcNow.AddMinutes(-1));
            File.SetLastWriteTimeUtc(Path.Combine(dir, "new", "a"), DateTime.UtcNow.AddMinutes(-2));

            Assert.True(MaildirWatchProgram.TryRender(dir, DateTime.UtcNow, out var screen, out _));
            Assert.Equal("\x1b[;H\x1b[;JFROM ? TO <?>\nfirst//\n\nFROM ? TO <?>\nsecond//\n\n", Encoding.Latin1.GetString(screen));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Without_MAILDIR_it_exits_111()
    {
        using var home = new ScratchHome();
        File.CreateSymbolicLink(home.Bin("maildirwatch"), Programs.Executable);
        var result = ProgramRunner.Run(home.Bin("maildirwatch"), env: home.Environment(), timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(111, result.ExitCode);
        Assert.Equal("maildirwatch: fatal: MAILDIR not set\n", result.StderrText);
    }

    [Fact]
    public void A_maildir_without_new_is_a_scan_failure()
    {
        using var home = new ScratchHome();
        File.CreateSymbolicLink(home.Bin("maildirwatch"), Programs.Executable);
        var result = ProgramRunner.Run(home.Bin("maildirwatch"), env: home.Environment(("MAILDIR", home.Root)), timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(111, result.ExitCode);
        Assert.StartsWith("maildirwatch: fatal: unable to scan $MAILDIR/new: ", result.StderrText, StringComparison.Ordinal);
    }
}

public class MailReaderTests
{
    private static void Script(string path, string body)
    {
        if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
            File.Delete(path);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
    }

    [Theory]
    [InlineData("qail", "Mail")]
    [InlineData("elq", "elm")]
    [InlineData("pinq", "pine")]
    public void After_maildir2mbox_succeeds_the_reader_runs_with_the_arguments(string program, string reader)
    {
        using var home = new ScratchHome();
        File.CreateSymbolicLink(home.Bin(program), Programs.Executable);
        Script(home.Bin("maildir2mbox"), "echo converted");
        var path = Directory.CreateDirectory(Path.Combine(home.Root, "path")).FullName;
        Script(Path.Combine(path, reader), $"echo {reader} \"$@\"");

        var result = ProgramRunner.Run(home.Bin(program), ["-f", "a b"], env: home.Environment(("PATH", path + ":/usr/bin:/bin")));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"converted\n{reader} -f a b\n", result.StdoutText);
    }

    [Fact]
    public void A_failing_maildir2mbox_ends_it_with_its_status_and_no_reader()
    {
        using var home = new ScratchHome();
        File.CreateSymbolicLink(home.Bin("qail"), Programs.Executable);
        Script(home.Bin("maildir2mbox"), "exit 7");
        var path = Directory.CreateDirectory(Path.Combine(home.Root, "path")).FullName;
        Script(Path.Combine(path, "Mail"), "echo reader started");

        var result = ProgramRunner.Run(home.Bin("qail"), env: home.Environment(("PATH", path + ":/usr/bin:/bin")));
        Assert.Equal(7, result.ExitCode);
        Assert.Equal("", result.StdoutText);
    }
}
