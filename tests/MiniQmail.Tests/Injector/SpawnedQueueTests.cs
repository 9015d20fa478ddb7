using System.Text;
using MiniQmail.Injector.Handoff;
using MiniQmail.Qmqp.Codec;
using Xunit;

namespace MiniQmail.Tests.Injector;

/// <summary>
/// A QMAILQUEUE program started with posix_spawn: message on descriptor 0, envelope on a
/// readable descriptor 1, error text on descriptor 6, started in the home directory
/// (qmail-inject.md §11), and its result mapped as §11.1 says.
/// </summary>
public sealed class SpawnedQueueTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("mq-spawn-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private byte[] Script(string name, string body)
    {
        var path = Path.Combine(_home, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return Encoding.UTF8.GetBytes(name);
    }

    private QueueOutcome Run(byte[] program, string message = "Subject: x\n\nbody\n")
    {
        using var queue = SpawnedQueueProgram.Start(program, Encoding.UTF8.GetBytes(_home), [])!;
        queue.Message.Write(Encoding.ASCII.GetBytes(message));
        return queue.Finish(new Envelope("s@x.example"u8.ToArray(), ["r@y.example"u8.ToArray()]));
    }

    [Fact]
    public void The_program_reads_the_message_on_0_and_the_envelope_on_1_in_the_home_directory()
    {
        // A relative QMAILQUEUE is relative to the home, where the child starts.
        var outcome = Run(Script("q", "cat > message\ncat <&1 > envelope\npwd > where\n"));
        Assert.Equal(0, outcome.ExitCode);
        Assert.False(outcome.Crashed || outcome.WaitFailed || outcome.WriteFailed);
        Assert.Equal("Subject: x\n\nbody\n", File.ReadAllText(Path.Combine(_home, "message")));
        Assert.Equal("Fs@x.example\0Tr@y.example\0\0", File.ReadAllText(Path.Combine(_home, "envelope")));
        Assert.Equal(_home + "\n", File.ReadAllText(Path.Combine(_home, "where")));
    }

    [Fact]
    public void Exit_82_with_error_text_on_descriptor_6_gives_the_programs_own_text_and_class()
    {
        var outcome = Run(Script("q", "cat > /dev/null\ncat <&1 > /dev/null\nprintf 'Dsorry, no (#5.7.1)' >&6\nexit 82\n"));
        Assert.Equal(("sorry, no (#5.7.1)", true), QueueResultText.Describe(outcome, writeFailed: false));
        var temporary = Run(Script("q2", "cat > /dev/null\ncat <&1 > /dev/null\nprintf 'Zlater' >&6\nexit 82\n"));
        Assert.Equal(("later", false), QueueResultText.Describe(temporary, writeFailed: false));
    }

    [Fact]
    public void A_program_killed_by_a_signal_crashed()
    {
        var outcome = Run(Script("q", "kill -9 $$\n"));
        Assert.Equal(("qq crashed (#4.3.0)", false), QueueResultText.Describe(outcome, writeFailed: false));
    }

    [Fact]
    public void A_program_that_exits_early_with_0_after_a_failed_write_is_a_read_error()
    {
        using var queue = SpawnedQueueProgram.Start(Script("q", "exit 0\n"), Encoding.UTF8.GetBytes(_home), [])!;
        Thread.Sleep(200);
        var failed = false;
        try
        {
            for (var i = 0; i < 64; i++)
                queue.Message.Write(new byte[64 * 1024]);
            queue.Message.Flush();
        }
        catch (IOException)
        {
            failed = true;
        }
        var outcome = queue.Finish(new Envelope([], []));
        Assert.Equal(("qq read error (#4.3.0)", false), QueueResultText.Describe(outcome, failed));
    }

    [Fact]
    public void A_program_that_cannot_be_executed_is_exit_120()
    {
        var outcome = Run("/nonexistent/qmail-queue"u8.ToArray());
        Assert.Equal(("unable to exec qq (#4.3.0)", false), QueueResultText.Describe(outcome, writeFailed: false));
    }

    [Theory]
    [InlineData(11, "envelope address too long for qq (#5.1.3)", true)]
    [InlineData(51, "qq out of memory (#4.3.0)", false)]
    [InlineData(61, "qq trouble in home directory (#4.3.0)", false)]
    [InlineData(64, "qq trouble creating files in queue (#4.3.0)", false)]
    [InlineData(72, "connection to mail server timed out (#4.4.1)", false)]
    [InlineData(73, "connection to mail server rejected (#4.4.1)", false)]
    [InlineData(74, "communication with mail server failed (#4.4.2)", false)]
    [InlineData(91, "qq internal bug (#4.3.0)", false)]
    [InlineData(115, "envelope address too long for qq (#5.1.3)", true)]
    [InlineData(82, "qq temporary problem (#4.3.0)", false)]
    [InlineData(40, "qq permanent problem (#5.3.0)", true)]
    [InlineData(41, "qq temporary problem (#4.3.0)", false)]
    public void Exit_codes_map_to_the_originals_texts(int code, string text, bool permanent) =>
        Assert.Equal((text, permanent), QueueResultText.Describe(QueueOutcome.Exited(code), writeFailed: false));
}
