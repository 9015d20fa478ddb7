using MiniQmail.Installer.Files;
using MiniQmail.Queue.Storage;

namespace MiniQmail.Installer.Install;

/// <summary>
/// Computes how to undo an install from its manifest: remove what install made (only if it is
/// still what install made), put back what it displaced, give directories back their old mode
/// and owner, and remove the directories it created once they are empty. The control files stay
/// unless <c>purge</c> is set; with it, the control directory and the home go as well once empty.
/// </summary>
public static class UninstallPlanner
{
    /// <param name="systemdRunning">systemd manages the running system (no root prefix): the flush timer is disabled before its files go.</param>
    public static InstallPlan Plan(InstallTarget target, bool purge, bool systemdRunning = false)
    {
        var warnings = new List<string>();
        if (!ManifestStore.TryLoad(target, out var loaded, out var error))
            return new InstallPlan(target, [], warnings, new Manifest(), new InstallFailure("read", target.Real(target.ManifestPath), error));
        if (loaded is null)
            return new InstallPlan(target, [], warnings, new Manifest(),
                new InstallFailure("read", target.Real(target.ManifestPath), "no manifest: nothing here was installed by mini-qmail install"));

        var removals = new List<InstallAction>();
        var restores = new List<InstallAction>();
        var directories = new List<InstallAction>();
        foreach (var entry in Enumerable.Reverse(loaded.Entries))
        {
            var now = ManifestStore.Look(target, entry.Path);
            switch (entry.Kind)
            {
                case ManifestKind.File when now.Kind == EntryKind.File && SameHash(target, entry):
                case ManifestKind.Link when now.Kind == EntryKind.Link && now.LinkTarget == entry.Detail:
                    removals.Add(new RemoveFile(entry.Path));
                    break;
                case ManifestKind.File or ManifestKind.Link when now.Exists:
                    warnings.Add($"{target.Real(entry.Path)} changed since install; left in place");
                    break;
                case ManifestKind.Displaced when ManifestStore.Look(target, entry.Detail).Exists:
                    restores.Add(new Restore(entry.Path, entry.Detail));
                    break;
                case ManifestKind.Displaced:
                    warnings.Add($"{target.Real(entry.Detail)} (the old {entry.Path}) is missing; not restored");
                    break;
                case ManifestKind.Attributes when ManifestStore.TryParseAttributes(entry.Detail, out var mode, out var uid, out var gid) && now.Kind == EntryKind.Directory:
                    directories.Add(new RestoreAttributes(entry.Path, mode, uid, gid));
                    break;
                case ManifestKind.Directory when now.Kind == EntryKind.Directory:
                    directories.Add(new RemoveDirectory(entry.Path));
                    break;
                case ManifestKind.Queue when now.Kind == EntryKind.Directory:
                    removals.AddRange(QueueRemovals(target, entry.Path, purge, warnings));
                    break;
            }
        }
        if (purge && !loaded.Contains(ManifestKind.Queue, target.QueueDir) && ManifestStore.Look(target, target.QueueDir).Kind == EntryKind.Directory)
        {
            // Left behind by an earlier uninstall because it held mail: --purge takes it now.
            removals.AddRange(QueueRemovals(target, target.QueueDir, purge, warnings));
            directories.Add(new RemoveDirectory(target.QueueDir));
        }
        var timerEnabled = systemdRunning && target.Root.Length == 0
            && removals.Any(r => r.Path == Queue.Schedule.TimerPath);
        if (timerEnabled)
            removals.Insert(0, new RunCommand(Queue.Schedule.TimerPath, ["systemctl", "disable", "--now", InstallPlanner.TimerUnit]));

        var actions = new List<InstallAction>();
        if (purge)
            actions.AddRange(ControlFiles(target).Select(f => new RemoveFile(f)));
        actions.AddRange(removals);
        // A path displaced twice has two backups: the latest comes back; an older one only if
        // the path is free by then, which the executor finds out.
        actions.AddRange(restores.DistinctBy(r => r.Path));
        if (timerEnabled)
            actions.Add(new RunCommand(Queue.Schedule.TimerPath, ["systemctl", "daemon-reload"]));
        actions.Add(new SaveManifest(target.ManifestPath, null));
        actions.AddRange(directories);
        if (purge)
        {
            // The home and its control directory go too once empty, even when an earlier
            // uninstall without --purge left them behind and the manifest no longer names them.
            foreach (var dir in new[] { target.InHome("control"), target.Home })
            {
                if (!actions.Any(a => a is RemoveDirectory && a.Path == dir))
                    actions.Add(new RemoveDirectory(dir));
            }
        }
        return new InstallPlan(target, actions, warnings, loaded, null);
    }

    /// <summary>
    /// The queue database goes when it holds no message, or with --purge (with a warning naming
    /// how many messages are deleted). Otherwise it stays, and with it the directory, with a
    /// warning: queued mail is never deleted without --purge.
    /// </summary>
    private static List<InstallAction> QueueRemovals(InstallTarget target, string dir, bool purge, List<string> warnings)
    {
        var database = SqliteQueueStore.DatabasePath(dir);
        var real = target.Real(dir);
        var files = new[] { database, database + "-wal", database + "-shm", database + "-journal" }
            .Where(f => ManifestStore.Look(target, f).Exists)
            .Select(f => (InstallAction)new RemoveFile(f))
            .ToList();
        if (files.Count == 0)
            return files;
        var count = CountMessages(target.Real(database), out var error);
        if (count == 0)
            return files;
        var what = count > 0 ? $"{count} queued message(s)" : $"a queue that cannot be read ({error})";
        if (purge)
        {
            warnings.Add($"{real} holds {what}; deleted (--purge)");
            return files;
        }
        warnings.Add($"{real} holds {what}; left in place (mini-qmail flush delivers them; uninstall --purge deletes them)");
        return [];
    }

    /// <summary>How many messages the queue database holds; -1 and why when it cannot be read.</summary>
    internal static int CountMessages(string database, out string error)
    {
        error = "";
        try
        {
            using var store = SqliteQueueStore.Open(Path.GetDirectoryName(database)!);
            return store.List().Count;
        }
        catch (QueueStoreException e)
        {
            error = e.Message;
            return -1;
        }
    }

    /// <summary>Every entry of the control directory (temporary files of config-mini included).</summary>
    private static List<string> ControlFiles(InstallTarget target)
    {
        var dir = target.Real(target.InHome("control"));
        if (!Directory.Exists(dir))
            return [];
        return Directory.EnumerateFileSystemEntries(dir, "*", new EnumerationOptions { AttributesToSkip = 0 })
            .Where(p => FileSnapshot.Take(p).Kind is EntryKind.File or EntryKind.Link)
            .Select(p => target.InHome("control/" + Path.GetFileName(p)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static bool SameHash(InstallTarget target, ManifestEntry entry)
    {
        try
        {
            return InstallPlanner.HashFile(target.Real(entry.Path)) == entry.Detail;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
