using MiniQmail.Qmqp.Codec;
using MiniQmail.Qmqp.Transport;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.QmqpClient;

public class RequestAndReplyTests
{
    public static byte[] Request(byte[] message, Envelope envelope)
    {
        var frame = QmqpRequestFrame.Create(message.Length, envelope);
        return [.. frame.Prefix, .. message, .. frame.Suffix];
    }

    private static Envelope Parse(string notation)
    {
        var reader = new EnvelopeReader();
        Assert.Equal(ScanStatus.Done, reader.Feed(Bytes.Of(notation), out _));
        return reader.Result!;
    }

    [Theory]
    [InlineData("Subject: x\\n\\nhi\\n", "Fa@b.example\\0Tc@d.example\\0\\0", "49:15:Subject: x\\n\\nhi\\n,11:a@b.example,11:c@d.example,,")] // Q01
    [InlineData("Subject: y\\r\\n\\r\\nA\\0B\\xff\\n", "Fs@x.example\\0Tr1@x.example\\0Tr2@y.example\\0Tr3@z.example\\0\\0",
        "86:19:Subject: y\\r\\n\\r\\nA\\0B\\xff\\n,11:s@x.example,12:r1@x.example,12:r2@y.example,12:r3@z.example,,")] // Q02
    [InlineData("", "F\\0\\0", "6:0:,0:,,")] // Q03
    [InlineData("x\\n", "Fa@b.example\\0T\\0\\0", "23:2:x\\n,11:a@b.example,0:,,")] // Q04
    public void The_request_bytes_match_the_reference_vectors(string message, string envelope, string expected)
    {
        var request = Request(Bytes.Of(message), Parse(envelope));
        Assert.Equal(Bytes.Show(Bytes.Of(expected)), Bytes.Show(request));
    }

    [Fact]
    public void The_frame_length_of_a_large_message_is_exact_without_holding_it()
    {
        var frame = QmqpRequestFrame.Create(1L << 30, new Envelope("a@b"u8.ToArray(), ["c@d"u8.ToArray()]));
        Assert.Equal("1073741848:1073741824:", System.Text.Encoding.ASCII.GetString(frame.Prefix));
        Assert.Equal(",3:a@b,3:c@d,,", System.Text.Encoding.ASCII.GetString(frame.Suffix));
        Assert.Equal(frame.Prefix.Length + (1L << 30) + frame.Suffix.Length, frame.TotalLength);
    }

    [Theory]
    [InlineData("Kok 1704423845 qp 4242", ReplyStatus.Accepted, "ok 1704423845 qp 4242")]
    [InlineData("Zdisk full", ReplyStatus.TemporaryFailure, "disk full")]
    [InlineData("Dno such user", ReplyStatus.PermanentFailure, "no such user")]
    [InlineData("K", ReplyStatus.Accepted, "")]
    public void Reply_status_comes_from_the_first_content_byte(string content, ReplyStatus status, string text)
    {
        Assert.True(QmqpReply.TryParse(System.Text.Encoding.ASCII.GetBytes(content), out var reply, out _));
        Assert.Equal(status, reply.Status);
        Assert.Equal(text, reply.Text);
    }

    [Theory]
    [InlineData("OK!")] // the original accepts this (Q09); strict parsing does not
    [InlineData("hello")]
    [InlineData("k lower case")]
    [InlineData("")]
    public void A_reply_whose_first_byte_is_not_K_Z_or_D_is_malformed(string content) =>
        Assert.False(QmqpReply.TryParse(System.Text.Encoding.ASCII.GetBytes(content), out _, out _));

    [Fact]
    public void Server_text_is_made_printable_and_short()
    {
        Assert.True(QmqpReply.TryParse([(byte)'Z', 0x1b, (byte)'[', 0xff, (byte)'x'], out var reply, out _));
        Assert.Equal("?[?x", reply.Text);
        Assert.EndsWith("...", QmqpReply.Printable(new byte[500].AsSpan()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(31, 31)]
    [InlineData(11, 11)]
    public void Permanent_codes_are_those_from_11_to_40(int code, int expectedPermanentCode) =>
        Assert.Equal(expectedPermanentCode != 0, QueueExitCode.IsPermanent(code));

    [Fact]
    public void Each_attempt_outcome_maps_to_the_original_exit_code()
    {
        Assert.Equal(0, QueueExitCode.From(AttemptStatus.Accepted));
        Assert.Equal(31, QueueExitCode.From(AttemptStatus.PermanentRefusal));
        Assert.Equal(71, QueueExitCode.From(AttemptStatus.TemporaryRefusal));
        Assert.Equal(72, QueueExitCode.From(AttemptStatus.ConnectTimeout));
        Assert.Equal(73, QueueExitCode.From(AttemptStatus.ConnectFailed));
        Assert.Equal(74, QueueExitCode.From(AttemptStatus.CommunicationFailed));
        Assert.Equal(56, QueueExitCode.From(AttemptStatus.SocketFailed));
    }
}
