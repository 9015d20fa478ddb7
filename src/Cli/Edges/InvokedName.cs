namespace MiniQmail.Cli.Edges;

/// <summary>
/// The name the program was started under. A link named qmail-queue runs the apphost, which
/// keeps the link's name in argv[0]; <see cref="Environment.ProcessPath"/> would give the
/// resolved executable instead, so argv[0] is read from /proc/self/cmdline.
/// </summary>
internal static class InvokedName
{
    public static string Get()
    {
        string argv0;
        try
        {
            var cmdline = File.ReadAllBytes("/proc/self/cmdline");
            var nul = Array.IndexOf(cmdline, (byte)0);
            argv0 = System.Text.Encoding.UTF8.GetString(cmdline, 0, nul < 0 ? cmdline.Length : nul);
        }
        catch (IOException)
        {
            argv0 = Environment.GetCommandLineArgs()[0];
        }
        return BaseName(argv0);
    }

    public static string BaseName(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }
}
