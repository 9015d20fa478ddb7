namespace MiniQmail.Injector;

/// <summary>Byte strings from the environment or argv as .NET paths and back.</summary>
public static class BytePaths
{
    /// <summary>Decodes a path as UTF-8, the encoding .NET uses for file names on Linux.</summary>
    public static string ToPath(ReadOnlySpan<byte> path) => System.Text.Encoding.UTF8.GetString(path);
}
