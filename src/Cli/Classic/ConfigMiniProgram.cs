using MiniQmail.Cli.Edges;
using MiniQmail.Installer.Config;

namespace MiniQmail.Cli.Classic;

/// <summary>config-mini (layout.md §6): 100 for bad arguments (nothing written), 111 when a file cannot be written.</summary>
internal static class ConfigMiniProgram
{
    public static int Run(string program, string[] args, ProcessEnvironment env)
    {
        if (!ConfigMini.TryParse(args, out var request, out var refusal))
        {
            foreach (var problem in refusal!.Problems)
            {
                if (refusal.IsUsage)
                    Stdio.Error($"{program}: {problem}");
                else
                    Stdio.Fatal(program, problem);
            }
            return 100;
        }
        var stdout = Console.Out;
        var failure = ConfigMini.Write(env.Layout, request!, line => { stdout.WriteLine(line); stdout.Flush(); });
        if (failure is { } f)
        {
            Stdio.Fatal(program, $"unable to write {f.File}: {f.Reason}");
            return 111;
        }
        return 0;
    }
}
