using System.Globalization;
using System.Text;

namespace MiniQmail.Installer.Install;

/// <summary>What kind of change one manifest entry records.</summary>
public enum ManifestKind
{
    /// <summary>A directory install created.</summary>
    Directory,
    /// <summary>A regular file install wrote; <see cref="ManifestEntry.Detail"/> is its SHA-256.</summary>
    File,
    /// <summary>A symbolic link install made; <see cref="ManifestEntry.Detail"/> is its target.</summary>
    Link,
    /// <summary>Something install moved away; <see cref="ManifestEntry.Detail"/> is where it went.</summary>
    Displaced,
    /// <summary>A directory that existed and got another mode or owner; <see cref="ManifestEntry.Detail"/> is the old "mode uid gid".</summary>
    Attributes,
    /// <summary>A retry queue install set up in the directory <see cref="ManifestEntry.Path"/>; <see cref="ManifestEntry.Detail"/> is its group.</summary>
    Queue,
}

/// <summary>One change, with paths as the installed system sees them (without the root prefix).</summary>
public sealed record ManifestEntry(ManifestKind Kind, string Path, string Detail = "");

/// <summary>
/// Everything install created and everything it displaced, in the order it happened, so that
/// uninstall can undo it in reverse. A text file, one entry a line, fields separated by tabs.
/// </summary>
public sealed class Manifest
{
    private const string Header = "# mini-qmail install manifest 1: kind, path, detail; read by mini-qmail uninstall";

    /// <summary>Where the manifest lives, relative to the home.</summary>
    public const string RelativePath = Control.Layout.ManifestRelativePath;

    public List<ManifestEntry> Entries { get; } = [];

    public bool Contains(ManifestKind kind, string path) => Entries.Exists(e => e.Kind == kind && e.Path == path);

    public ManifestEntry? Find(ManifestKind kind, string path) => Entries.Find(e => e.Kind == kind && e.Path == path);

    public void Add(ManifestEntry entry)
    {
        // A later entry for the same path and kind (an upgrade rewrote a file) replaces the earlier.
        var index = Entries.FindIndex(e => e.Kind == entry.Kind && e.Path == entry.Path);
        if (index >= 0)
            Entries[index] = entry;
        else
            Entries.Add(entry);
    }

    public byte[] Format()
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var e in Entries)
            text.Append(CultureInfo.InvariantCulture, $"{Name(e.Kind)}\t{e.Path}\t{e.Detail}\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static bool TryParse(byte[] content, out Manifest manifest, out string error)
    {
        manifest = new Manifest();
        error = "";
        var number = 0;
        foreach (var line in Encoding.UTF8.GetString(content).Split('\n'))
        {
            number++;
            if (line.Length == 0 || line[0] == '#')
                continue;
            var fields = line.Split('\t');
            if (fields.Length != 3 || Kind(fields[0]) is not { } kind || !fields[1].StartsWith('/'))
            {
                error = $"line {number} is not 'kind<TAB>/path<TAB>detail'";
                return false;
            }
            manifest.Entries.Add(new ManifestEntry(kind, fields[1], fields[2]));
        }
        return true;
    }

    private static string Name(ManifestKind kind) => kind switch
    {
        ManifestKind.Directory => "directory",
        ManifestKind.File => "file",
        ManifestKind.Link => "link",
        ManifestKind.Displaced => "displaced",
        ManifestKind.Queue => "queue",
        _ => "attributes",
    };

    private static ManifestKind? Kind(string name) => name switch
    {
        "directory" => ManifestKind.Directory,
        "file" => ManifestKind.File,
        "link" => ManifestKind.Link,
        "displaced" => ManifestKind.Displaced,
        "attributes" => ManifestKind.Attributes,
        "queue" => ManifestKind.Queue,
        _ => null,
    };
}
