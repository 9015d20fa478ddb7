namespace MiniQmail.Control;

/// <summary>
/// Where a mini-qmail installation lives. Every path the programs use comes from one value of
/// this type, so tests and the demo can point a whole run at a scratch directory.
/// </summary>
public sealed record Layout(string Home)
{
    /// <summary>The home of an installed mini-qmail (a build-time constant in the original).</summary>
    public const string DefaultHome = "/var/mini-qmail";

    /// <summary>
    /// Environment variable that overrides the home at run time. The original fixes the home at
    /// build time; see README, "Differences from mini-qmail".
    /// </summary>
    public const string HomeVariable = "MINIQMAIL_HOME";

    public string ControlDir => Path.Combine(Home, "control");
    public string BinDir => Path.Combine(Home, "bin");
    public string ManDir => Path.Combine(Home, "man");

    public string Control(string name) => Path.Combine(ControlDir, name);
    public string Bin(string name) => Path.Combine(BinDir, name);

    /// <summary>Where install keeps its record, relative to the home.</summary>
    public const string ManifestRelativePath = "lib/install-manifest";

    /// <summary>
    /// The home named by <see cref="HomeVariable"/>; else the home of the installed tree this
    /// executable runs from; else the default. The second rule lets a tree installed under
    /// another home (or a scratch root) work without the variable, which cron does not pass.
    /// </summary>
    public static Layout FromEnvironment(Func<string, string?> getVariable, string? executablePath = null) =>
        new(getVariable(HomeVariable) is { Length: > 0 } home ? home : InstalledHome(executablePath) ?? DefaultHome);

    /// <summary>
    /// <c>HOME</c> for an executable at <c>HOME/lib/mini-qmail/mini-qmail</c> with install's
    /// manifest at <c>HOME/lib/install-manifest</c>; null for anything else (a build output, an
    /// unpacked bundle).
    /// </summary>
    public static string? InstalledHome(string? executablePath)
    {
        var programDir = Path.GetDirectoryName(executablePath);
        if (programDir is null || Path.GetFileName(programDir) != "mini-qmail")
            return null;
        var lib = Path.GetDirectoryName(programDir);
        if (lib is null || Path.GetFileName(lib) != "lib")
            return null;
        var home = Path.GetDirectoryName(lib);
        return home is not null && File.Exists(Path.Combine(home, ManifestRelativePath)) ? home : null;
    }
}
