using MiniQmail.Injector.Inject;
using MiniQmail.Injector.Sendmail;
using Xunit;

namespace MiniQmail.Tests.Injector.Vectors;

/// <summary>The sendmail vectors of vectors.md §3, run in process through the wrapper and qmail-inject.</summary>
public sealed class SendmailVectorTests(VectorFixture fixture) : IClassFixture<VectorFixture>
{
    /// <summary>S10 (-bs) is a deliberate difference (SMTP instead of "unable to run qmail-smtpd"); S17–S19 are the helpers.</summary>
    public static TheoryData<string> Ids() => [.. VectorFile.Ids('S').Where(id => id is not ("S10" or "S17" or "S18" or "S19"))];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Sendmail_reproduces_the_reference_output(string id)
    {
        var v = VectorFile.Get(id);
        var (result, queue, stdout) = Run(fixture.Harness, v, v.Input);
        VectorHarness.Check(v, result, queue, stdout);
    }

    [Fact]
    public void Sendmail_bs_speaks_smtp_instead_of_failing_like_S10()
    {
        var v = VectorFile.Get("S10");
        var smtpCalled = false;
        var result = SendmailRunner.Run(v.Program, VectorHarness.Words(v.Arguments), fixture.Harness.Layout("C1").Home,
            VectorHarness.Env(v.Environment), Services(null!, smtp: () => { smtpCalled = true; return 0; }));
        Assert.True(smtpCalled);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Sendmail_q_flushes_the_retry_queue_when_there_is_one()
    {
        var result = SendmailRunner.Run("sendmail", VectorHarness.Words(["-q15m"]), fixture.Harness.Layout("C1").Home,
            VectorHarness.Env(new Dictionary<string, string>()), Services(null!, flush: () => 0));
        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Diagnostic);
    }

    [Fact]
    public void Mailq_lists_the_retry_queue_when_there_is_one()
    {
        var result = SendmailRunner.Run("mailq", [], fixture.Harness.Layout("C1").Home,
            VectorHarness.Env(new Dictionary<string, string>()), Services(null!, list: () => 0));
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Sendmail_without_its_home_fails_temporarily()
    {
        var result = SendmailRunner.Run("sendmail", [], "/nonexistent/mini-qmail",
            VectorHarness.Env(new Dictionary<string, string>()), Services(null!));
        Assert.Equal(111, result.ExitCode);
        Assert.Equal("sendmail: fatal: unable to switch to qmail home directory\n"u8.ToArray(), result.Diagnostic);
    }

    internal static (InjectResult, CaptureQueue, byte[]) Run(VectorHarness harness, Vector v, byte[] input)
    {
        CaptureQueue? queue = null;
        byte[] stdout = [];
        var result = SendmailRunner.Run(v.Program, VectorHarness.Words(v.Arguments), harness.Layout(v.ControlSet).Home,
            VectorHarness.Env(v.Environment), Services((args, env) =>
            {
                var (r, q, o) = harness.RunInject(v, args, env, input);
                queue = q;
                stdout = o;
                return r;
            }));
        return (result, queue ?? new CaptureQueue(0), stdout);
    }

    private static SendmailServices Services(Func<IReadOnlyList<byte[]>, Func<string, byte[]?>, InjectResult> inject,
        Func<int?>? list = null, Func<int?>? flush = null, Func<int>? smtp = null) => new()
    {
        Inject = inject,
        ListQueue = list ?? (() => null),
        FlushQueue = flush ?? (() => null),
        Smtp = smtp ?? (() => throw new InvalidOperationException("no SMTP here")),
    };
}
