namespace MiniQmail.Injector.Tools;

/// <summary>maildirmake (tools.md): the directory and its tmp, new and cur, all mode 0700, in that order.</summary>
public static class MaildirMake
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Returns the exit code and the diagnostic line (empty on success).</summary>
    public static (int ExitCode, string Diagnostic) Run(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
            return (100, "maildirmake: usage: maildirmake name\n");
        var name = args[0];
        foreach (var (path, shown) in new[] { (name, name), (Path.Combine(name, "tmp"), name + "/tmp"), (Path.Combine(name, "new"), name + "/new"), (Path.Combine(name, "cur"), name + "/cur") })
        {
            try
            {
                // mkdir, not CreateDirectory: an existing directory is an error, as in the original.
                if (Directory.Exists(path) || File.Exists(path))
                    throw new IOException("file exists");
                if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } parent && !Directory.Exists(parent))
                    throw new IOException("no such file or directory");
                Directory.CreateDirectory(path, Private);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (111, $"maildirmake: fatal: unable to mkdir {shown}: {e.Message}\n");
            }
        }
        return (0, "");
    }
}
