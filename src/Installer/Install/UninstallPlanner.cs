using MiniQmail.Installer.Files;

namespace MiniQmail.Installer.Install;

/// <summary>
/// Computes how to undo an install from its manifest: remove what install made (only if it is
/// still what install made), put back what it displaced, give directories back their old mode
/// and owner, and remove the directories it created once they are empty. The control files stay
/// unless <c>purge</c> is set; with it, the control directory and the home go as well once empty.
/// </summary>
public static class UninstallPlanner
{
    public static InstallPlan Plan(InstallTarget target, bool purge)
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
            }
        }

        var actions = new List<InstallAction>();
        if (purge)
            actions.AddRange(ControlFiles(target).Select(f => new RemoveFile(f)));
        actions.AddRange(removals);
        // A path displaced twice has two backups: the latest comes back; an older one only if
        // the path is free by then, which the executor finds out.
        actions.AddRange(restores.DistinctBy(r => r.Path));
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
