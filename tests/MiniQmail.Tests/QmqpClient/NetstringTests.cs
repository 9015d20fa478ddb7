using System.Text;
using FsCheck;
using FsCheck.Fluent;
using MiniQmail.Qmqp.Codec;
using Xunit;

namespace MiniQmail.Tests.QmqpClient;

public class NetstringTests
{
    [Theory]
    [InlineData("", "0:,")]
    [InlineData("hello world!", "12:hello world!,")]
    public void Encoding_matches_the_netstring_examples(string content, string expected) =>
        Assert.Equal(expected, Encoding.ASCII.GetString(Netstring.Encode(Encoding.ASCII.GetBytes(content))));

    [Fact]
    public void Encoded_length_counts_digits_colon_content_and_comma()
    {
        Assert.Equal(3, Netstring.EncodedLength(0));
        Assert.Equal(14, Netstring.EncodedLength(10));
        Assert.Equal(12L + 1 + 999_999_999_999 + 1, Netstring.EncodedLength(999_999_999_999));
    }

    public static TheoryData<string> Samples => new() { "0:,", "3:Kok,", "22:Kok 1704423845 qp 4242,", "5:a\0b\r\n," };

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_reply_split_at_every_offset_reads_the_same_and_leaves_what_follows(string sample)
    {
        var bytes = Encoding.Latin1.GetBytes(sample + "GARBAGE");
        var expected = ReadWhole(Encoding.Latin1.GetBytes(sample));
        for (var split = 0; split <= sample.Length; split++)
        {
            var reader = new NetstringReader(1000);
            Assert.Equal(split == sample.Length ? ScanStatus.Done : ScanStatus.NeedMoreData, reader.Feed(bytes.AsSpan(0, split), out var first));
            var status = reader.Feed(bytes.AsSpan(first), out var second);
            Assert.Equal(ScanStatus.Done, status);
            Assert.Equal(sample.Length, first + second);
            Assert.Equal(expected, reader.Content.ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_reply_fed_one_byte_at_a_time_reads_the_same(string sample)
    {
        var bytes = Encoding.Latin1.GetBytes(sample);
        var reader = new NetstringReader(1000);
        for (var i = 0; i < bytes.Length; i++)
        {
            var status = reader.Feed(bytes.AsSpan(i, 1), out var consumed);
            Assert.Equal(1, consumed);
            Assert.Equal(i == bytes.Length - 1 ? ScanStatus.Done : ScanStatus.NeedMoreData, status);
        }
        Assert.Equal(ReadWhole(bytes), reader.Content.ToArray());
    }

    [Theory]
    [InlineData("Kraw", "does not start with a netstring length")]
    [InlineData("03:Kok,", "leading zero")]
    [InlineData("3 :Kok,", "not followed by ':'")]
    [InlineData("3:Kok;", "does not end with ','")]
    [InlineData("99999:K", "longer than 4096")]
    [InlineData(":,", "does not start with a netstring length")]
    [InlineData("-1:,", "does not start with a netstring length")]
    public void Malformed_or_oversized_replies_are_rejected_with_a_reason(string input, string reason)
    {
        var reader = new NetstringReader(4096);
        Assert.Equal(ScanStatus.Invalid, reader.Feed(Encoding.Latin1.GetBytes(input), out _));
        Assert.Contains(reason, reader.Error, StringComparison.Ordinal);
        Assert.Equal(ScanStatus.Invalid, reader.Feed("1:x,"u8, out var consumed));
        Assert.Equal(0, consumed);
    }

    [Fact]
    public void A_length_past_the_cap_is_refused_before_any_content_is_buffered()
    {
        var reader = new NetstringReader(10);
        Assert.Equal(ScanStatus.Invalid, reader.Feed("11:"u8, out var consumed));
        Assert.True(consumed <= 2);
    }

    [Fact]
    public void Decoding_an_encoding_gives_back_the_content() =>
        Prop.ForAll<byte[]>(content =>
        {
            var encoded = Netstring.Encode(content);
            var reader = new NetstringReader(int.MaxValue);
            return reader.Feed(encoded, out var consumed) == ScanStatus.Done
                && consumed == encoded.Length
                && reader.Content.SequenceEqual(content)
                && encoded.Length == Netstring.EncodedLength(content.Length);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void No_input_makes_the_reader_throw_or_read_past_its_end() =>
        Prop.ForAll<byte[], int>((input, cut) =>
        {
            var reader = new NetstringReader(64);
            var split = input.Length == 0 ? 0 : Math.Abs(cut % (input.Length + 1));
            var s1 = reader.Feed(input.AsSpan(0, split), out var c1);
            var s2 = reader.Feed(input.AsSpan(c1), out var c2);
            var total = c1 + c2;
            return total <= input.Length
                && (s2 != ScanStatus.NeedMoreData || total == input.Length)
                && (s1 != ScanStatus.Done || s2 == ScanStatus.Done)
                && reader.Content.Length <= 64;
        }).QuickCheckThrowOnFailure();

    private static byte[] ReadWhole(byte[] bytes)
    {
        var reader = new NetstringReader(1000);
        Assert.Equal(ScanStatus.Done, reader.Feed(bytes, out _));
        return reader.Content.ToArray();
    }
}
