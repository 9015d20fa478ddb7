using Xunit;
namespace MiniQmail.Tests.Injector.Vectors;

/// <summary>Every qmail-inject vector of vectors.md §2, run in process with the clock and pid injected.</summary>
public sealed class InjectVectorTests(VectorFixture fixture) : IClassFixture<VectorFixture>
{
    public static TheoryData<string> Ids() => [.. VectorFile.Ids('I')];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Qmail_inject_reproduces_the_reference_output(string id)
    {
        var v = VectorFile.Get(id);
        var (result, queue, stdout) = fixture.Harness.RunInject(v, VectorHarness.Words(v.Arguments), VectorHarness.Env(v.Environment));
        VectorHarness.Check(v, result, queue, stdout);
    }
}

public sealed class VectorFixture : IDisposable
{
    public VectorHarness Harness { get; } = new();

    public void Dispose() => Harness.Dispose();
}
