using MiniQmail.Queue.Storage;
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
            StepFailure? step;
            try
            {
                step = Run(action, target, setOwners ? Root : null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                step = new StepFailure(null, e.Message);
            }
            if (step is not null)
            {
                var failure = new InstallFailure(step.Verb ?? action.Verb, target.Real(action.Path), step.Reason);
                if (done > 0 && plan.Actions[^1] is SaveManifest { Content: not null } save)
                    AtomicFile.TryWrite(target.Real(save.Path), manifest.Format(), Modes.Data, out _, setOwners ? Root : null);
                return new InstallResult(done, failure);
            }
            ManifestStore.Record(manifest, action);
            done++;
        }
        return new InstallResult(done, null);
    }

    /// <summary>Why a step failed; <see cref="Verb"/> when it is not the action's own (a chown inside a mkdir).</summary>
    private sealed record StepFailure(string? Verb, string Reason);

    private static StepFailure? Failed(bool ok, string? error) => ok ? null : new StepFailure(null, error ?? "unknown error");

    /// <summary>Carries out one action; why it failed, or null.</summary>
    private static StepFailure? Run(InstallAction action, InstallTarget target, (int, int)? owner)
    {
        var path = target.Real(action.Path);
        string? error = null;
        switch (action)
        {
            case MakeDirectory m:
                // Created with 0755 at most (the umask can only take away), then set exactly.
                Directory.CreateDirectory(path, Modes.Directory & m.Mode);
                return WithGroup(m.Group, owner, out var makeOwner) ?? SetAttributes(path, m.Mode, makeOwner);
            case FixDirectory f:
                return WithGroup(f.Group, owner, out var fixOwner) ?? SetAttributes(path, f.Mode, fixOwner);
            case InitializeQueue q:
                return InitializeQueue(path, q.Group, owner);
            case RunCommand c:
                return Failed(Commands.TryRun(c.Arguments, out error), error);
            case RestoreAttributes r:
                return SetAttributes(path, r.Mode, (r.Uid, r.Gid));
            case CopyFile c:
                return Failed(AtomicFile.TryCopy(c.Source, path, c.Mode, out error, owner), error);
            case WriteContent w:
                return Failed(AtomicFile.TryWrite(path, w.Content, w.Mode, out error, owner), error);
            case SaveManifest { Content: { } content }:
                return Failed(AtomicFile.TryWrite(path, content, Modes.Data, out error, owner), error);
            case SaveManifest or RemoveFile:
                if (FileSnapshot.Take(path).Exists)
                    File.Delete(path);
                return null;
            case MakeLink l:
                if (FileSnapshot.Take(path).Kind == EntryKind.Link)
                    File.Delete(path);
                File.CreateSymbolicLink(path, l.Target);
                return owner is { } o && !Unix.TrySetOwner(path, o.Item1, o.Item2, out error) ? new StepFailure("chown", error!) : null;
            case Displace d:
                return Failed(Mover.TryMove(path, target.Real(d.Backup), out error), error);
            case Restore r:
                if (FileSnapshot.Take(path).Exists)
                    return new StepFailure(null, $"something is in the way; the old file stays at {target.Real(r.Backup)}");
                return Failed(Mover.TryMove(target.Real(r.Backup), path, out error), error);
            case RemoveDirectory:
                if (Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any())
                    Directory.Delete(path);
                return null;
            default:
                return new StepFailure(null, $"unknown action {action.GetType().Name}");
        }
    }

    /// <summary>
    /// The owner for something of <paramref name="group"/>: root (when owners are set) or
    /// unchanged (-1), and the group's id; the owner unchanged when there is no group.
    /// </summary>
    private static StepFailure? WithGroup(string? group, (int, int)? owner, out (int, int)? result)
    {
        result = owner;
        if (group is null)
            return null;
        if (Unix.GroupId(group) is not { } gid)
            return new StepFailure("chown", $"no group {group}");
        result = (owner is null ? -1 : 0, gid);
        return null;
    }

    /// <summary>Creates (or opens) the queue database through the queue library, then gives it the queue's group and mode 0660.</summary>
    private static StepFailure? InitializeQueue(string directory, string group, (int, int)? owner)
    {
        var failure = WithGroup(group, owner, out var dbOwner);
        if (failure is not null)
            return failure;
        try
        {
            using (SqliteQueueStore.Open(directory))
            {
            }
        }
        catch (QueueStoreException e)
        {
            return new StepFailure(null, e.Message);
        }
        return SetAttributes(SqliteQueueStore.DatabasePath(directory), Modes.QueueDatabase, dbOwner);
    }

    private static StepFailure? SetAttributes(string path, UnixFileMode mode, (int Uid, int Gid)? owner)
    {
        if (owner is { } o && !Unix.TrySetOwner(path, o.Uid, o.Gid, out var error))
            return new StepFailure("chown", error!);
        File.SetUnixFileMode(path, mode);
        return null;
    }
}
