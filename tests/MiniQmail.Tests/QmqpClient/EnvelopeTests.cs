using FsCheck;
using FsCheck.Fluent;
using MiniQmail.Qmqp.Codec;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.QmqpClient;

public class EnvelopeTests
{
    private static (ScanStatus Status, EnvelopeReader Reader, int Consumed) Read(byte[] input)
    {
        var reader = new EnvelopeReader();
        var status = reader.Feed(input, out var consumed);
        if (status == ScanStatus.NeedMoreData)
            status = reader.Finish();
        return (status, reader, consumed);
    }

    [Fact]
    public void A_sender_and_recipients_are_read_in_order()
    {
        var (status, reader, _) = Read(Bytes.Of("Fs@x.example\\0Tr1@x.example\\0Tr2@y.example\\0\\0"));
        Assert.Equal(ScanStatus.Done, status);
        Assert.Equal("s@x.example"u8.ToArray(), reader.Result!.Sender);
        Assert.Equal(["r1@x.example", "r2@y.example"], reader.Result.Recipients.Select(r => System.Text.Encoding.ASCII.GetString(r)));
    }

    [Fact]
    public void The_null_sender_no_recipients_and_empty_recipients_are_allowed()
    {
        var (status, reader, _) = Read(Bytes.Of("F\\0T\\0\\0"));
        Assert.Equal(ScanStatus.Done, status);
        Assert.Empty(reader.Result!.Sender);
        Assert.Single(reader.Result.Recipients);
        Assert.Empty(reader.Result.Recipients[0]);
        Assert.Equal(ScanStatus.Done, Read(Bytes.Of("F\\0\\0")).Status);
    }

    [Theory]
    [InlineData("Xa@b.example\\0Tc@d.example\\0\\0", "does not start with F")] // Q20
    [InlineData("Fa@b.example\\0Tc@d.example\\0", "before its terminating NUL")] // Q21
    [InlineData("Fa@b.example\\0Xc@d.example\\0\\0", "does not start with T")] // Q22
    [InlineData("", "empty")]
    [InlineData("\\0", "does not start with F")]
    [InlineData("Fa@b.example", "before its terminating NUL")]
    public void Malformed_envelopes_are_format_errors(string notation, string reason)
    {
        var (status, reader, _) = Read(Bytes.Of(notation));
        Assert.Equal(ScanStatus.Invalid, status);
        Assert.Contains(reason, reader.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_after_the_terminating_NUL_are_not_consumed() // Q23
    {
        var input = Bytes.Of("Fa@b.example\\0Tc@d.example\\0\\0junk");
        var (status, _, consumed) = Read(input);
        Assert.Equal(ScanStatus.Done, status);
        Assert.Equal(input.Length - 4, consumed);
    }

    [Fact]
    public void An_envelope_split_at_every_offset_or_fed_bytewise_reads_the_same()
    {
        var input = Bytes.Of("Fs@x.example\\0Tr1@x.example\\0T\\0Tr3@z.example\\0\\0trailing");
        for (var split = 0; split <= input.Length; split++)
        {
            var reader = new EnvelopeReader();
            var s1 = reader.Feed(input.AsSpan(0, split), out var c1);
            var s2 = s1 == ScanStatus.Done ? s1 : reader.Feed(input.AsSpan(c1), out _);
            Assert.Equal(ScanStatus.Done, s2);
            Assert.Equal(3, reader.Result!.Recipients.Count);
        }
        var bytewise = new EnvelopeReader();
        var status = ScanStatus.NeedMoreData;
        for (var i = 0; i < input.Length && status == ScanStatus.NeedMoreData; i++)
            status = bytewise.Feed(input.AsSpan(i, 1), out _);
        Assert.Equal(ScanStatus.Done, status);
        Assert.Equal("r3@z.example"u8.ToArray(), bytewise.Result!.Recipients[2]);
    }

    [Fact]
    public void An_envelope_past_the_size_cap_is_rejected()
    {
        var reader = new EnvelopeReader(maxBytes: 16);
        Assert.Equal(ScanStatus.Invalid, reader.Feed(Bytes.Of("Fa@b.example\\0Tc@d.example\\0\\0"), out _));
        Assert.Contains("longer than 16", reader.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_the_queue_form_gives_back_the_envelope() =>
        Prop.ForAll<byte[], byte[][]>((sender, recipients) =>
        {
            static byte[] NoNul(byte[]? a) => (a ?? []).Where(b => b != 0).ToArray();
            var envelope = new Envelope(NoNul(sender), (recipients ?? []).Select(NoNul).ToArray());
            var (status, reader, consumed) = Read(envelope.ToQueueForm());
            return status == ScanStatus.Done
                && consumed == envelope.ToQueueForm().Length
                && reader.Result!.Sender.SequenceEqual(envelope.Sender)
                && reader.Result.Recipients.Count == envelope.Recipients.Count
                && reader.Result.Recipients.Zip(envelope.Recipients).All(p => p.First.SequenceEqual(p.Second));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void No_input_makes_the_envelope_reader_throw_or_overread() =>
        Prop.ForAll<byte[]>(input =>
        {
            var reader = new EnvelopeReader();
            var status = reader.Feed(input, out var consumed);
            return consumed <= input.Length && (status != ScanStatus.Done || reader.Result is not null);
        }).QuickCheckThrowOnFailure();
}
