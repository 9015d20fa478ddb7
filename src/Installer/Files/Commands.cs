using System.Diagnostics;

namespace MiniQmail.Installer.Files;

/// <summary>
/// Runs the system's administration commands install needs (groupadd, systemctl): directly, no
/// shell, output captured, the wait bounded.
/// </summary>
public static class Commands
{
    /// <summary>Longest wait for one command.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    /// <summary>Runs <paramref name="arguments"/> (the program first); false with why when it cannot be started, exits non-zero, or takes too long.</summary>
    public static bool TryRun(IReadOnlyList<string> arguments, out string? error)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        error = null;
        var start = new ProcessStartInfo(arguments[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments.Skip(1))
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("not started");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            error = $"unable to run {arguments[0]}: {e.Message}";
            return false;
        }
        using (process)
        {
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                error = $"{string.Join(' ', arguments)}: no exit within {Limit.TotalSeconds:0} s";
                return false;
            }
            process.WaitForExit();
            if (process.ExitCode == 0)
                return true;
            var said = (errors.Result.Trim() + " " + output.Result.Trim()).Trim();
            error = $"{string.Join(' ', arguments)} exited with {process.ExitCode}{(said.Length > 0 ? ": " + said : "")}";
            return false;
        }
    }
}
