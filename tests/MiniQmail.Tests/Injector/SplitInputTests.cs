using System.Diagnostics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using MiniQmail.Injector.Inject;
using MiniQmail.Tests.Injector.Vectors;
using Xunit;

namespace MiniQmail.Tests.Injector;

/// <summary>
/// The header reader does not depend on how the input arrives: every vector gives the same bytes
/// when its input comes one byte per read, and arbitrary input never escapes as an exception.
/// </summary>
public sealed class SplitInputTests(VectorFixture fixture) : IClassFixture<VectorFixture>
{
    public static TheoryData<string> Ids() => [.. VectorFile.Ids('I').Where(id => VectorFile.Get(id).Input.Length > 0)];

    [Theory]
    [MemberData(nameof(Ids))]
    public void A_vector_fed_one_byte_per_read_gives_the_same_result(string id)
    {
        var v = VectorFile.Get(id);
        var (result, queue, stdout) = fixture.Harness.RunInject(v, VectorHarness.Words(v.Arguments), VectorHarness.Env(v.Environment),
            new OneByteStream(v.Input));
        VectorHarness.Check(v, result, queue, stdout);
    }

    [Fact]
    public void Arbitrary_bytes_never_throw_and_give_0_or_100()
    {
        var v = new Vector { Id = "X", Title = "", ControlSet = "C1" };
        var env = VectorHarness.Env(new Dictionary<string, string> { ["USER"] = "joe" });
        var alphabet = Encoding.Latin1.GetBytes("ab@.,:;<>()[]\"\\ \t\r\nTo:From:Cc:\0\xff");
        var gen = Gen.ArrayOf(Gen.Elements(alphabet));
        Prop.ForAll(gen.ToArbitrary(), bytes =>
        {
            var (result, _, _) = fixture.Harness.RunInject(v, [], env, bytes);
            return result.ExitCode is 0 or 100;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_header_of_many_continuation_lines_is_read_in_linear_time()
    {
        var v = new Vector { Id = "X", Title = "", ControlSet = "C1" };
        var header = new StringBuilder("Subject: start\n");
        for (var i = 0; i < 200_000; i++)
            header.Append(" x\n");
        header.Append("To: a@b.example,\n");
        for (var i = 0; i < 50_000; i++)
            header.Append(" u").Append(i).Append("@x.example,\n");
        header.Append(" last@x.example\n\nbody\n");
        var watch = Stopwatch.StartNew();
        var (result, queue, _) = fixture.Harness.RunInject(v, [], VectorHarness.Env(new Dictionary<string, string> { ["USER"] = "joe" }),
            Encoding.ASCII.GetBytes(header.ToString()));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(50_002, Encoding.ASCII.GetString(queue.Envelope!).Split('\0').Count(f => f.StartsWith('T')));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }
}
