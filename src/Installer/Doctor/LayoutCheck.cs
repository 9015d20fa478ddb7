using MiniQmail.Installer.Files;

namespace MiniQmail.Installer.Doctor;

/// <summary>The directories of layout.md §2 exist with mode 0755, and nothing in the home is world-writable.</summary>
public sealed class LayoutCheck : IDoctorCheck
{
    public IEnumerable<CheckResult> Run(DoctorContext context)
    {
        var target = context.Target;
        if (context.ProgramsHome is { } used && used != target.Home)
            yield return new(CheckStatus.Warning, target.Home, $"the programs use {used} here: set MINIQMAIL_HOME={target.Home} for everything that sends mail");
        foreach (var dir in target.LayoutDirectories.Take(3))
        {
            var now = FileSnapshot.Take(target.Real(dir));
            yield return now.Kind switch
            {
                EntryKind.Directory when now.Mode == Install.Modes.Directory => new(CheckStatus.Ok, dir, "directory, mode 0755"),
                EntryKind.Directory => new(CheckStatus.Warning, dir, $"directory, mode {Install.Modes.Octal(now.Mode)} (expected 0755)"),
                EntryKind.Missing => new(CheckStatus.Failed, dir, "missing (run mini-qmail install)"),
                _ => new(CheckStatus.Failed, dir, "not a directory"),
            };
        }
        var home = target.Real(target.Home);
        if (!Directory.Exists(home))
            yield break;
        var writable = Directory.EnumerateFileSystemEntries(home, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true })
            .Prepend(home)
            .Select(FileSnapshot.Take)
            .Where(s => s.Kind != EntryKind.Link && (s.Mode & UnixFileMode.OtherWrite) != 0)
            .Select(s => s.Path)
            .ToList();
        yield return writable.Count == 0
            ? new(CheckStatus.Ok, target.Home, "nothing world-writable")
            : new(CheckStatus.Failed, target.Home, $"world-writable: {string.Join(", ", writable.Take(5))}{(writable.Count > 5 ? ", ..." : "")}");
    }
}
