using System.Reflection;

namespace MiniQmail.Tests.Support;

/// <summary>Where the built executable and the repository are.</summary>
public static class Programs
{
    public static string RepoRoot { get; } = typeof(Programs).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    /// <summary>The apphost of the one executable, built with the same configuration as the tests.</summary>
    public static string Executable
    {
        get
        {
            var configuration = typeof(Programs).Assembly.Location.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var path = Path.Combine(RepoRoot, "src", "Cli", "bin", configuration, "net10.0", "mini-qmail");
            if (!File.Exists(path))
                throw new FileNotFoundException($"build src/Cli first: {path} is missing");
            return path;
        }
    }

    /// <summary>Every name the executable answers to as a classic program that tests link.</summary>
    public static readonly string[] ClassicNames =
    [
        "qmail-qmqpc", "qmail-queue", "qmail-inject", "sendmail", "mailq", "newaliases", "predate", "datemail",
        "mailsubj", "forward", "maildirmake", "maildir2mbox", "qmail-showctl", "config-mini", "install-mini",
    ];
}
