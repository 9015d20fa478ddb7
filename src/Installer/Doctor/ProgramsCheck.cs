using MiniQmail.Installer.Files;
using MiniQmail.Installer.Install;

namespace MiniQmail.Installer.Doctor;

/// <summary>
/// Every program name in bin leads to an executable file, qmail-queue is a link to qmail-qmqpc,
/// the sendmail links lead to the wrapper, and the executable brings its runtime along.
/// </summary>
public sealed class ProgramsCheck : IDoctorCheck
{
    public IEnumerable<CheckResult> Run(DoctorContext context)
    {
        var target = context.Target;
        var missing = new List<string>();
        string? executable = null;
        foreach (var name in InstalledPrograms.AllClassicNames.Prepend(InstalledPrograms.Executable))
        {
            var end = Resolve(target, target.Bin(name), out var why);
            if (end is null)
                missing.Add($"{name} ({why})");
            else if (name == InstalledPrograms.Executable)
                executable = end;
        }
        yield return missing.Count == 0
            ? new(CheckStatus.Ok, target.InHome("bin"), $"{InstalledPrograms.AllClassicNames.Count() + 1} programs, each leads to an executable")
            : new(CheckStatus.Failed, target.InHome("bin"), "broken: " + string.Join(", ", missing));

        var queue = FileSnapshot.Take(target.Real(target.Bin(InstalledPrograms.QueueLink)));
        yield return queue.Kind == EntryKind.Link && queue.LinkTarget == InstalledPrograms.QmqpClient
            ? new(CheckStatus.Ok, target.Bin(InstalledPrograms.QueueLink), $"-> {InstalledPrograms.QmqpClient}")
            : new(CheckStatus.Failed, target.Bin(InstalledPrograms.QueueLink), $"is not a link to {InstalledPrograms.QmqpClient}");

        if (executable is not null)
        {
            yield return File.Exists(Path.Combine(Path.GetDirectoryName(executable)!, "libcoreclr.so"))
                ? new(CheckStatus.Ok, InstalledPrograms.Executable, "self-contained: needs no .NET on this host")
                : new(CheckStatus.Warning, InstalledPrograms.Executable, "framework-dependent: needs the .NET 10 runtime on this host");
        }

        foreach (var link in InstalledPrograms.SendmailLinks)
            yield return WrapperLink(target, link,
                missing: "missing: programs that call sendmail will not find it",
                elsewhere: "not mini-qmail's sendmail",
                another: "another sendmail: mail from cron and MUAs bypasses mini-qmail (install --replace-sendmail)");
    }

    /// <summary>
    /// A link outside the home that should lead to the sendmail wrapper: ok when it does, else a
    /// warning with the text for a missing name, a link elsewhere, or something else in its place.
    /// </summary>
    internal static CheckResult WrapperLink(InstallTarget target, string link, string missing, string elsewhere, string another)
    {
        var wrapper = target.Bin("sendmail");
        var now = FileSnapshot.Take(target.Real(link));
        return now.Kind switch
        {
            EntryKind.Link when now.LinkTarget == wrapper => new(CheckStatus.Ok, link, $"-> {wrapper}"),
            EntryKind.Link => new(CheckStatus.Warning, link, $"-> {now.LinkTarget}, {elsewhere}"),
            EntryKind.Missing => new(CheckStatus.Warning, link, missing),
            _ => new(CheckStatus.Warning, link, another),
        };
    }

    /// <summary>Follows links under the root prefix to a regular executable file; null and why if there is none.</summary>
    internal static string? Resolve(InstallTarget target, string path, out string why)
    {
        var real = target.Real(path);
        for (var hops = 0; hops < 16; hops++)
        {
            var now = FileSnapshot.Take(real);
            switch (now.Kind)
            {
                case EntryKind.Link:
                    var next = now.LinkTarget!;
                    real = next.StartsWith('/') ? target.Real(next) : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(real)!, next));
                    continue;
                case EntryKind.File when (now.Mode & UnixFileMode.UserExecute) != 0:
                    why = "";
                    return real;
                case EntryKind.File:
                    why = "not executable";
                    return null;
                case EntryKind.Missing:
                    why = "missing";
                    return null;
                default:
                    why = "not a file";
                    return null;
            }
        }
        why = "too many links";
        return null;
    }
}
