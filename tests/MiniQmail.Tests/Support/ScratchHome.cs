using System.Text;

namespace MiniQmail.Tests.Support;

/// <summary>
/// A throw-away mini-qmail home: bin/ with links to the built executable under every classic
/// name (qmail-queue pointing at qmail-qmqpc, as installed), and an empty control/.
/// </summary>
public sealed class ScratchHome : IDisposable
{
    public ScratchHome()
    {
        Root = Directory.CreateTempSubdirectory("mini-qmail-test.").FullName;
        Home = Path.Combine(Root, "home");
        Directory.CreateDirectory(Path.Combine(Home, "bin"));
        Directory.CreateDirectory(Path.Combine(Home, "control"));
        foreach (var name in Programs.ClassicNames)
        {
            if (name == "qmail-queue")
                File.CreateSymbolicLink(Bin(name), "qmail-qmqpc");
            else
                File.CreateSymbolicLink(Bin(name), Programs.Executable);
        }
    }

    /// <summary>A directory for the test's own files, removed with the home.</summary>
    public string Root { get; }

    public string Home { get; }

    public string Bin(string name) => Path.Combine(Home, "bin", name);

    public string Control(string name) => Path.Combine(Home, "control", name);

    public ScratchHome WriteControl(string name, string content) => WriteControl(name, Encoding.UTF8.GetBytes(content));

    public ScratchHome WriteControl(string name, byte[] content)
    {
        File.WriteAllBytes(Control(name), content);
        return this;
    }

    /// <summary>Points qmqpservers at the given servers, one line each.</summary>
    public ScratchHome Servers(params string[] entries) => WriteControl("qmqpservers", string.Concat(entries.Select(e => e + "\n")));

    /// <summary>The environment a program needs to use this home.</summary>
    public Dictionary<string, string?> Environment(params (string Name, string? Value)[] extra)
    {
        var env = new Dictionary<string, string?> { ["MINIQMAIL_HOME"] = Home, ["TMPDIR"] = Root };
        foreach (var (name, value) in extra)
            env[name] = value;
        return env;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
