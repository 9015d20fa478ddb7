using System.Diagnostics;
using MiniQmail.Cli.Edges;

namespace MiniQmail.Cli.Classic;

/// <summary>
/// qail, elq and pinq (tools.md): run &lt;home&gt;/bin/maildir2mbox, and only if it succeeds
/// become Mail, elm or pine (found through PATH) with all the arguments. A failing maildir2mbox's
/// exit status is returned and the reader is not started.
/// </summary>
internal static class MailReaderPrograms
{
    public static int Run(string program, string reader, string[] args, ProcessEnvironment env)
    {
        var converter = env.Layout.Bin("maildir2mbox");
        int status;
        try
        {
            // Standard input, output and error are inherited: the converter talks to the user directly.
            using var child = Process.Start(new ProcessStartInfo(converter) { UseShellExecute = false })!;
            child.WaitForExit();
            status = child.ExitCode;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Stdio.Fatal(program, $"unable to run {converter}: {e.Message}");
            return 111;
        }
        if (status != 0)
            return status;
        var reason = Exec.Replace(reader, args);
        Stdio.Fatal(program, $"unable to run {reader}: {reason}");
        return 111;
    }
}
