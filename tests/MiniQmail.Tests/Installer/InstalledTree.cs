using MiniQmail.Tests.Support;

namespace MiniQmail.Tests.Installer;

/// <summary>
/// The real build installed by install-mini into a scratch root (DESTDIR), once per test class:
/// the programs in it are the ones a host gets.
/// </summary>
public sealed class InstalledTree : IDisposable
{
    public const string Home = InstallScratch.Home;

    public InstalledTree()
    {
        Root = Directory.CreateTempSubdirectory("mini-qmail-installed.").FullName;
        Install = InstallMini();
    }

    public string Root { get; }

    public ProgramResult Install { get; }

    public string HomeDir => Root + Home;

    public string Bin(string name) => $"{HomeDir}/bin/{name}";

    public Dictionary<string, string?> Environment(params (string Name, string? Value)[] extra)
    {
        var env = new Dictionary<string, string?> { ["MINIQMAIL_HOME"] = HomeDir, ["TMPDIR"] = Root };
        foreach (var (name, value) in extra)
            env[name] = value;
        return env;
    }

    private ProgramResult InstallMini()
    {
        // install-mini is the executable under that name; a link next to it in the scratch
        // directory keeps the build output untouched.
        var link = Path.Combine(Root + ".bin", "install-mini");
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, Programs.Executable);
        return ProgramRunner.Run(link, env: new Dictionary<string, string?> { ["DESTDIR"] = Root }, timeout: TimeSpan.FromSeconds(60));
    }

    public void Dispose()
    {
        foreach (var dir in new[] { Root, Root + ".bin" })
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
