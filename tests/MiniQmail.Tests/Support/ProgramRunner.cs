using System.Diagnostics;
using System.Text;

namespace MiniQmail.Tests.Support;

/// <summary>What a finished program left behind.</summary>
public sealed record ProgramResult(int ExitCode, byte[] Stdout, byte[] Stderr, TimeSpan Elapsed)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);
    public string StderrText => Encoding.UTF8.GetString(Stderr);

    public override string ToString() => $"exit {ExitCode}; stdout: {StdoutText}; stderr: {StderrText}";
}

/// <summary>
/// Runs a program as a separate process, with a bounded wait. The environment is minimal
/// (PATH plus what the test gives), as the reference vectors prescribe, so nothing leaks in from
/// the developer's shell.
/// </summary>
public static class ProgramRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <param name="fd1Input">
    /// When given, descriptor 1 is a file holding these bytes, opened for reading (the
    /// qmail-queue envelope); the program's standard output is then not captured.
    /// </param>
    public static ProgramResult Run(string path, IEnumerable<string>? args = null, byte[]? stdin = null,
        IDictionary<string, string?>? env = null, byte[]? fd1Input = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        string? fd1File = null;
        if (fd1Input is not null)
        {
            // .NET cannot give a child a readable descriptor 1; a shell can, and exec keeps argv[0].
            fd1File = Path.GetTempFileName();
            File.WriteAllBytes(fd1File, fd1Input);
            info.FileName = "/bin/sh";
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("exec \"$0\" \"$@\" 1<\"$MINIQMAIL_TEST_FD1\"");
            info.ArgumentList.Add(path);
        }
        else
        {
            info.FileName = path;
        }
        foreach (var a in args ?? [])
            info.ArgumentList.Add(a);

        info.Environment.Clear();
        info.Environment["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        if (System.Environment.GetEnvironmentVariable("DOTNET_ROOT") is { } root)
            info.Environment["DOTNET_ROOT"] = root;
        if (fd1File is not null)
            info.Environment["MINIQMAIL_TEST_FD1"] = fd1File;
        foreach (var (name, value) in env ?? new Dictionary<string, string?>())
        {
            if (value is null)
                info.Environment.Remove(name);
            else
                info.Environment[name] = value;
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var outTask = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var errTask = process.StandardError.BaseStream.CopyToAsync(stderr);
        var inTask = Task.Run(() =>
        {
            try
            {
                if (stdin is not null)
                    process.StandardInput.BaseStream.Write(stdin);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The program may exit without reading its input (the original does, on some errors).
            }
        });
        var limit = timeout ?? DefaultTimeout;
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
            throw new TimeoutException($"{Path.GetFileName(path)} did not finish within {limit.TotalSeconds} s");
        }
        Task.WaitAll([outTask, errTask, inTask], TimeSpan.FromSeconds(10));
        if (fd1File is not null)
            File.Delete(fd1File);
        return new ProgramResult(process.ExitCode, stdout.ToArray(), stderr.ToArray(), watch.Elapsed);
    }
}
