using System.Diagnostics;

namespace MiniQmail.Bench;

/// <summary>
/// The builds the benchmarks run: the self-contained bundle as published for an installation
/// (README, "Installing for real": Release, trimmed, one composite ReadyToRun image), each published
/// once per benchmark run into a directory removed at exit.
/// </summary>
internal static class Builds
{
    private static readonly string Scratch = Directory.CreateTempSubdirectory("mini-qmail-bench-builds.").FullName;
    private static readonly Lazy<string?> PublishedMiniQmail = new(() =>
        Publish(Path.Combine(RepoRoot(), "src", "Cli", "Cli.csproj"), Path.Combine(Scratch, "mini-qmail")) is { } dir
            ? Path.Combine(dir, "mini-qmail") : null);

    static Builds() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        try
        {
            Directory.Delete(Scratch, recursive: true);
        }
        catch (IOException)
        {
        }
    };

    /// <summary>The published mini-qmail executable.</summary>
    public static string MiniQmail => PublishedMiniQmail.Value ?? throw new InvalidOperationException("publishing mini-qmail failed");

    public static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "MiniQmail.sln")))
            dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("run the bench from inside the repository");
    }

    /// <summary>Publishes <paramref name="project"/> into <paramref name="output"/>; null (and the log on stderr) if that fails.</summary>
    public static string? Publish(string project, string output)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained",
                     "-p:PublishTrimmed=true", "-p:PublishReadyToRun=true", "-o", output, "-v", "quiet", "-nologo" })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(600_000) || process.ExitCode != 0)
        {
            Console.Error.WriteLine($"bench: publishing {project} failed:\n{log.Result}{errors.Result}");
            return null;
        }
        return output;
    }
}
