using MiniQmail.Installer.Files;
using MiniQmail.Installer.Install;
using Xunit;

namespace MiniQmail.Tests.Installer;

public class MoverTests
{
    [SkippableFact]
    public void A_move_across_file_systems_keeps_content_mode_and_owner_of_files_and_links()
    {
        // /dev/shm is a tmpfs on Linux; the temporary directory is usually on another file system.
        Skip.IfNot(Directory.Exists("/dev/shm"), "no /dev/shm");
        var here = Directory.CreateTempSubdirectory("mini-qmail-move.").FullName;
        var there = Directory.CreateDirectory($"/dev/shm/mini-qmail-move.{Guid.NewGuid():N}").FullName;
        try
        {
            var file = Path.Combine(here, "sendmail");
            File.WriteAllBytes(file, [0, 1, 2, 0xff]);
            File.SetUnixFileMode(file, (UnixFileMode)0b111_101_000);
            var owned = Unix.IsRoot && Unix.TrySetOwner(file, 1234, 5678, out _);
            var link = Path.Combine(here, "link");
            File.CreateSymbolicLink(link, "/usr/sbin/exim4");

            Assert.True(Mover.TryMove(file, Path.Combine(there, "sendmail"), out var error), error);
            Assert.True(Mover.TryMove(link, Path.Combine(there, "link"), out error), error);

            var moved = FileSnapshot.Take(Path.Combine(there, "sendmail"));
            Assert.Equal([0, 1, 2, 0xff], File.ReadAllBytes(moved.Path));
            Assert.Equal((UnixFileMode)0b111_101_000, moved.Mode);
            if (owned)
                Assert.Equal((1234, 5678), (moved.Uid, moved.Gid));
            Assert.Equal("/usr/sbin/exim4", FileSnapshot.Take(Path.Combine(there, "link")).LinkTarget);
            Assert.Empty(Directory.GetFileSystemEntries(here));
        }
        finally
        {
            Directory.Delete(here, recursive: true);
            Directory.Delete(there, recursive: true);
        }
    }
}

public class ManifestTests
{
    [Fact]
    public void A_manifest_reads_back_as_it_was_written()
    {
        var manifest = new Manifest();
        manifest.Add(new ManifestEntry(ManifestKind.Directory, "/var/mini-qmail"));
        manifest.Add(new ManifestEntry(ManifestKind.File, "/var/mini-qmail/lib/mini-qmail/mini-qmail", new string('a', 64)));
        manifest.Add(new ManifestEntry(ManifestKind.Link, "/usr/sbin/sendmail", "/var/mini-qmail/bin/sendmail"));
        manifest.Add(new ManifestEntry(ManifestKind.Displaced, "/usr/sbin/sendmail", "/var/mini-qmail/lib/displaced/usr/sbin/sendmail"));
        manifest.Add(new ManifestEntry(ManifestKind.Attributes, "/var/mini-qmail/bin", ManifestStore.FormatAttributes((UnixFileMode)0b111_000_000, 3, 4)));

        Assert.True(Manifest.TryParse(manifest.Format(), out var read, out var error), error);
        Assert.Equal(manifest.Entries, read.Entries);
        Assert.True(ManifestStore.TryParseAttributes(read.Entries[^1].Detail, out var mode, out var uid, out var gid));
        Assert.Equal(((UnixFileMode)0b111_000_000, 3, 4), (mode, uid, gid));
    }

    [Theory]
    [InlineData("file\trelative/path\tx\n")]
    [InlineData("unknown\t/p\tx\n")]
    [InlineData("file\t/p\n")]
    public void A_damaged_manifest_is_refused_with_the_line_named(string text)
    {
        Assert.False(Manifest.TryParse(System.Text.Encoding.UTF8.GetBytes("# header\n" + text), out _, out var error));
        Assert.StartsWith("line 2 ", error, StringComparison.Ordinal);
    }
}
