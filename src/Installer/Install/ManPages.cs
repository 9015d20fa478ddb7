namespace MiniQmail.Installer.Install;

/// <summary>A man page the program carries: its place under man/ (e.g. <c>man8/sendmail.8</c>) and its roff text.</summary>
public sealed record ManPage(string RelativePath, byte[] Content)
{
    private const string Prefix = "man/";

    /// <summary>The pages embedded in this assembly from the repository's man/ folder.</summary>
    public static IReadOnlyList<ManPage> Embedded { get; } = Load();

    private static List<ManPage> Load()
    {
        var assembly = typeof(ManPage).Assembly;
        var pages = new List<ManPage>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            pages.Add(new ManPage(name[Prefix.Length..], buffer.ToArray()));
        }
        return pages;
    }
}
