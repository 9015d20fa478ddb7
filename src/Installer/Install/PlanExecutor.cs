using MiniQmail.Installer.Files;

namespace MiniQmail.Installer.Install;

/// <summary>
/// Carries out a plan in order and stops at the first failure. For an install, the manifest is
/// written even after a failure, with what was done so far, so uninstall can still undo it.
/// </summary>
public static class PlanExecutor
{
    private static readonly (int, int) Root = (0, 0);

    /// <param name="setOwners">Make what is created owned by root (layout.md §2).</param>
    public static InstallResult Execute(InstallPlan plan, bool setOwners)
    {
        var target = plan.Target;
        var manifest = ManifestStore.Apply(plan.Manifest, []);
        var done = 0;
        foreach (var action in plan.Actions)
        {
            string? error;
            try
            {
                error = Run(action, target, setOwners ? Root : null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = e.Message;
            }
            if (error is not null)
            {
                var failure = new InstallFailure(action.Verb, target.Real(action.Path), error);
                if (done > 0 && plan.Actions[^1] is SaveManifest { Content: not null } save)
                    AtomicFile.TryWrite(target.Real(save.Path), manifest.Format(), Modes.Data, out _, setOwners ? Root : null);
                return new InstallResult(done, failure);
            }
            ManifestStore.Record(manifest, action);
            done++;
        }
        return new InstallResult(done, null);
    }

    /// <summary>Carries out one action; the reason when it failed.</summary>
    private static string? Run(InstallAction action, InstallTarget target, (int, int)? owner)
    {
        var path = target.Real(action.Path);
        string? error = null;
        switch (action)
        {
            case MakeDirectory:
                // Created with 0755 at most (the umask can only take away), then set exactly.
                Directory.CreateDirectory(path, Modes.Directory);
                return SetAttributes(path, Modes.Directory, owner);
            case FixDirectory:
                return SetAttributes(path, Modes.Directory, owner);
            case RestoreAttributes r:
                return SetAttributes(path, r.Mode, (r.Uid, r.Gid));
            case CopyFile c:
                return AtomicFile.TryCopy(c.Source, path, c.Mode, out error, owner) ? null : error;
            case WriteContent w:
                return AtomicFile.TryWrite(path, w.Content, w.Mode, out error, owner) ? null : error;
            case SaveManifest { Content: { } content }:
                return AtomicFile.TryWrite(path, content, Modes.Data, out error, owner) ? null : error;
            case SaveManifest or RemoveFile:
                if (FileSnapshot.Take(path).Exists)
                    File.Delete(path);
                return null;
            case MakeLink l:
                if (FileSnapshot.Take(path).Kind == EntryKind.Link)
                    File.Delete(path);
                File.CreateSymbolicLink(path, l.Target);
                return owner is { } o && !Unix.TrySetOwner(path, o.Item1, o.Item2, out error) ? error : null;
            case Displace d:
                return Mover.TryMove(path, target.Real(d.Backup), out error) ? null : error;
            case Restore r:
                if (FileSnapshot.Take(path).Exists)
                    return $"something is in the way; the old file stays at {target.Real(r.Backup)}";
                return Mover.TryMove(target.Real(r.Backup), path, out error) ? null : error;
            case RemoveDirectory:
                if (Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any())
                    Directory.Delete(path);
                return null;
            default:
                return $"unknown action {action.GetType().Name}";
        }
    }

    private static string? SetAttributes(string path, UnixFileMode mode, (int Uid, int Gid)? owner)
    {
        string? error = null;
        if (owner is { } o && !Unix.TrySetOwner(path, o.Uid, o.Gid, out error))
            return error;
        File.SetUnixFileMode(path, mode);
        return null;
    }
}
