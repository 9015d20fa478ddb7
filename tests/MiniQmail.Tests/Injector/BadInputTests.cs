using System.Text;
using MiniQmail.Tests.Injector.Vectors;
using Xunit;

namespace MiniQmail.Tests.Injector;

/// <summary>Hostile and unusual input to qmail-inject: what the original does, or a clean error, and nothing half-sent.</summary>
public sealed class BadInputTests(VectorFixture fixture) : IClassFixture<VectorFixture>
{
    private static readonly Dictionary<string, string> Joe = new() { ["USER"] = "joe" };

    private (MiniQmail.Injector.Inject.InjectResult Result, CaptureQueue Queue, byte[] Stdout) Inject(string input, params string[] args) =>
        Inject(Encoding.Latin1.GetBytes(input), null, args);

    private (MiniQmail.Injector.Inject.InjectResult Result, CaptureQueue Queue, byte[] Stdout) Inject(byte[] input, int? headerLimit, params string[] args)
    {
        var v = new Vector { Id = "X", Title = "", ControlSet = "C1" };
        return fixture.Harness.RunInject(v, VectorHarness.Words(args), VectorHarness.Env(Joe), input, headerLimit);
    }

    [Fact]
    public void A_header_line_of_10000_bytes_passes_unchanged()
    {
        var subject = "Subject: " + new string('s', 10_000) + "\n";
        var (result, queue, _) = Inject(subject + "\nbody\n", "bob");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(subject, Encoding.Latin1.GetString(queue.Captured.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_to_field_of_10000_bytes_is_folded_and_every_address_is_a_recipient()
    {
        var addresses = Enumerable.Range(0, 500).Select(i => $"user{i:000}@x.example").ToArray();
        var (result, queue, _) = Inject("To: " + string.Join(", ", addresses) + "\n\nbody\n");
        Assert.Equal(0, result.ExitCode);
        var message = Encoding.Latin1.GetString(queue.Captured.ToArray());
        Assert.All(message.Split('\n'), line => Assert.True(line.Length <= 78, line));
        var envelope = Encoding.Latin1.GetString(queue.Envelope!);
        Assert.Equal(500, envelope.Split('\0').Count(f => f.StartsWith('T')));
        Assert.StartsWith("Fjoe@example.com\0Tuser499@x.example\0", envelope, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_and_nul_bytes_in_the_body_pass_through()
    {
        var body = "\xff\xfe\x00\x80 caf\xe9\r\n";
        var (result, queue, _) = Inject("Subject: \xc3\x28\n\n" + body, "bob");
        Assert.Equal(0, result.ExitCode);
        Assert.EndsWith("Subject: \xc3\x28\n\n" + body, Encoding.Latin1.GetString(queue.Captured.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_message_gets_only_the_generated_fields()
    {
        var (result, queue, _) = Inject("", "bob");
        Assert.Equal(0, result.ExitCode);
        Assert.EndsWith("Cc: recipient list not shown: ;\n", Encoding.Latin1.GetString(queue.Captured.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_without_a_final_newline_gets_one()
    {
        var (_, queue, _) = Inject("Subject: x\n\nno newline", "bob");
        Assert.EndsWith("\n\nno newline\n", Encoding.Latin1.GetString(queue.Captured.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public void No_recipients_at_all_still_queues_with_an_empty_list()
    {
        var (result, queue, _) = Inject("Subject: x\n\nbody\n", "-a");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Fjoe@example.com\0\0"u8.ToArray(), queue.Envelope);
    }

    [Fact]
    public void A_header_recipient_with_a_nul_byte_is_refused_before_anything_is_queued()
    {
        var (result, queue, _) = Inject("To: a\0b@x.example\n\nbody\n");
        Assert.Equal(100, result.ExitCode);
        Assert.Equal("qmail-inject: fatal: envelope address contains a NUL byte\n", Encoding.Latin1.GetString(result.Diagnostic));
        Assert.False(queue.Started);
    }

    [Fact]
    public void An_argument_recipient_with_a_nul_byte_is_refused()
    {
        var v = new Vector { Id = "X", Title = "", ControlSet = "C1" };
        var (result, queue, _) = fixture.Harness.RunInject(v, [[(byte)'a', 0, (byte)'b']], VectorHarness.Env(Joe), "x\n"u8.ToArray());
        Assert.Equal(100, result.ExitCode);
        Assert.False(queue.Started);
    }

    [Fact]
    public void An_unparsable_bcc_field_is_still_removed_and_other_recipient_fields_kept_as_read()
    {
        var (result, queue, _) = Inject("To: a@x.example, \"open\nBcc: hidden@x.example, (open\nCc: c@x.example\n\nbody\n");
        Assert.Equal(0, result.ExitCode);
        var message = Encoding.Latin1.GetString(queue.Captured.ToArray());
        Assert.DoesNotContain("hidden", message, StringComparison.Ordinal);
        Assert.Contains("To: a@x.example, \"open\n", message, StringComparison.Ordinal);
        Assert.Equal("Fjoe@example.com\0Tc@x.example\0\0", Encoding.Latin1.GetString(queue.Envelope!));
    }

    [Fact]
    public void A_header_over_the_cap_is_a_clean_permanent_error_and_nothing_is_queued()
    {
        var header = string.Concat(Enumerable.Repeat("X-Filler: " + new string('f', 100) + "\n", 200));
        var (result, queue, _) = Inject(Encoding.Latin1.GetBytes(header + "\nbody\n"), 4096, "bob");
        Assert.Equal(100, result.ExitCode);
        Assert.Equal("qmail-inject: fatal: message header is longer than 4096 bytes\n", Encoding.Latin1.GetString(result.Diagnostic));
        Assert.False(queue.Started);
    }

    [Fact]
    public void A_read_error_in_the_body_fails_temporarily_without_finishing_the_queue_program()
    {
        var v = new Vector { Id = "X", Title = "", ControlSet = "C1" };
        var input = new ConcatThenFail("Subject: x\n\nbody starts\n"u8.ToArray());
        var queue = new CaptureQueue(0);
        var result = MiniQmail.Injector.Inject.QmailInject.Run(new MiniQmail.Injector.Inject.InjectRequest
        {
            Arguments = VectorHarness.Words(["bob"]),
            Environment = VectorHarness.Env(Joe),
            Layout = fixture.Harness.Layout("C1"),
            WorkingDirectory = fixture.Harness.WorkingDirectory,
            Clock = new FixedClock(VectorHarness.Frozen),
            ProcessId = 1,
            Input = input,
            Output = Stream.Null,
            Launch = () => queue,
        });
        Assert.Equal(111, result.ExitCode);
        Assert.Equal("qmail-inject: fatal: read error\n"u8.ToArray(), result.Diagnostic);
        Assert.Null(queue.Envelope);
    }

    private sealed class ConcatThenFail(byte[] head) : MiniQmail.Injector.ReadOnlyStream
    {
        private bool _given;

        public override int Read(Span<byte> buffer)
        {
            if (_given)
                throw new IOException("device gone");
            _given = true;
            head.CopyTo(buffer);
            return head.Length;
        }
    }
}
