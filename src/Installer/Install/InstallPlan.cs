namespace MiniQmail.Installer.Install;

/// <summary>Why a plan cannot be made or carried out: layout.md §7's "unable to &lt;verb&gt; &lt;path&gt;: &lt;reason&gt;".</summary>
public sealed record InstallFailure(string Verb, string Path, string Reason)
{
    public override string ToString() => $"unable to {Verb} {Path}: {Reason}";
}

/// <summary>
/// What install or uninstall will do: the actions in order, the warnings to show, or the reason
/// nothing can be done. <see cref="Manifest"/> is the manifest the actions start from.
/// </summary>
public sealed record InstallPlan(InstallTarget Target, IReadOnlyList<InstallAction> Actions, IReadOnlyList<string> Warnings, Manifest Manifest, InstallFailure? Failure)
{
    public bool IsEmpty => Actions.Count == 0;

    /// <summary>The plan as lines, for --dry-run.</summary>
    public IEnumerable<string> Describe() =>
        IsEmpty ? ["nothing to do"] : Actions.Select(a => a.Describe(Target));
}

/// <summary>How carrying out a plan went: the actions done, and the failure that stopped it, if any.</summary>
public sealed record InstallResult(int Done, InstallFailure? Failure)
{
    public bool Succeeded => Failure is null;
}
