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

    /// <summary>The layout named by <see cref="HomeVariable"/>, or the default one.</summary>
    public static Layout FromEnvironment(Func<string, string?> getVariable) =>
        new(getVariable(HomeVariable) is { Length: > 0 } home ? home : DefaultHome);
}
