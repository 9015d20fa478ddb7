using System.Globalization;
using MiniQmail.Installer.Files;

namespace MiniQmail.Installer.Install;

/// <summary>Reads the manifest of an installation and turns carried-out actions into its entries.</summary>
public static class ManifestStore
{
    /// <summary>Loads the manifest; null (and true) when there is none.</summary>
    public static bool TryLoad(InstallTarget target, out Manifest? manifest, out string error)
    {
        manifest = null;
        error = "";
        var path = target.Real(target.ManifestPath);
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            return false;
        }
        if (!Manifest.TryParse(content, out var parsed, out error))
            return false;
        manifest = parsed;
        return true;
    }

    /// <summary>The manifest after <paramref name="actions"/> (install actions) are carried out.</summary>
    public static Manifest Apply(Manifest start, IEnumerable<InstallAction> actions)
    {
        var result = new Manifest();
        result.Entries.AddRange(start.Entries);
        foreach (var action in actions)
            Record(result, action);
        return result;
    }

    /// <summary>Adds the entry for one carried-out install action.</summary>
    public static void Record(Manifest manifest, InstallAction action)
    {
        switch (action)
        {
            case MakeDirectory d:
                manifest.Add(new ManifestEntry(ManifestKind.Directory, d.Path));
                break;
            case FixDirectory f when !manifest.Contains(ManifestKind.Directory, f.Path) && !manifest.Contains(ManifestKind.Attributes, f.Path):
                manifest.Add(new ManifestEntry(ManifestKind.Attributes, f.Path, FormatAttributes(f.OldMode, f.OldUid, f.OldGid)));
                break;
            case CopyFile c:
                manifest.Add(new ManifestEntry(ManifestKind.File, c.Path, c.Sha256));
                break;
            case WriteContent w:
                manifest.Add(new ManifestEntry(ManifestKind.File, w.Path, w.Sha256));
                break;
            case MakeLink l:
                manifest.Add(new ManifestEntry(ManifestKind.Link, l.Path, l.Target));
                break;
            case RemoveFile r:
                manifest.Entries.RemoveAll(e => e.Kind == ManifestKind.File && e.Path == r.Path);
                break;
            case InitializeQueue q:
                manifest.Add(new ManifestEntry(ManifestKind.Queue, q.Path, q.Group));
                break;
            case Displace m:
                // Displaced things are never replaced in the record: each has its own backup.
                manifest.Entries.Add(new ManifestEntry(ManifestKind.Displaced, m.Path, m.Backup));
                break;
        }
    }

    public static string FormatAttributes(UnixFileMode mode, int uid, int gid) =>
        string.Create(CultureInfo.InvariantCulture, $"{Modes.Octal(mode)} {uid} {gid}");

    public static bool TryParseAttributes(string detail, out UnixFileMode mode, out int uid, out int gid)
    {
        mode = 0;
        uid = gid = -1;
        var parts = detail.Split(' ');
        if (parts.Length != 3)
            return false;
        try
        {
            mode = (UnixFileMode)Convert.ToInt32(parts[0], 8);
        }
        catch (FormatException)
        {
            return false;
        }
        return int.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out uid)
            && int.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out gid);
    }

    internal static FileSnapshot Look(InstallTarget target, string path) => FileSnapshot.Take(target.Real(path));
}
