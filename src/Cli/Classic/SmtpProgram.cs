using MiniQmail.Cli.Edges;
using MiniQmail.Injector.Smtp;

namespace MiniQmail.Cli.Classic;

/// <summary>sendmail -bs: SMTP on standard input and output, each message injected as by <c>sendmail -f</c>.</summary>
internal static class SmtpProgram
{
    public static int Run(ProcessEnvironment env)
    {
        using var input = Console.OpenStandardInput();
        using var output = Console.OpenStandardOutput();
        var session = new SmtpSession(input, output, HostName(env), (words, data) =>
        {
            var result = InjectProgram.Sendmail("sendmail", words, data);
            Stdio.ErrorBytes(result.Diagnostic);
            return result;
        });
        return session.Run();
    }

    /// <summary>The name in the greeting: control/me, else "localhost".</summary>
    private static string HostName(ProcessEnvironment env) =>
        MiniQmail.Control.ControlFile.ReadLine(env.Layout.Control("me"), out var me, out _) == MiniQmail.Control.ControlReadStatus.Ok && me.Length > 0
            ? System.Text.Encoding.UTF8.GetString(me)
            : "localhost";
}
