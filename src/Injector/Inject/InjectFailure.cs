namespace MiniQmail.Injector.Inject;

/// <summary>A fatal qmail-inject error: the bytes after <c>qmail-inject: </c> and the exit code (qmail-inject.md §12).</summary>
public sealed record InjectFailure(byte[] Message, int ExitCode)
{
    public const int PermanentExit = 100;
    public const int TemporaryExit = 111;

    public static InjectFailure ReadError { get; } = Temporary("read error");

    public static InjectFailure Temporary(string reason) => new(Fatal(reason), TemporaryExit);

    public static InjectFailure Permanent(string reason) => new(Fatal(reason), PermanentExit);

    /// <summary><c>fatal: unable to parse this line:</c> LF and the text, which carries its own LF or none (I80, I25).</summary>
    public static InjectFailure UnparsableLine(ReadOnlySpan<byte> text) =>
        new([.. "fatal: unable to parse this line:\n"u8, .. text], PermanentExit);

    private static byte[] Fatal(string reason) => System.Text.Encoding.UTF8.GetBytes("fatal: " + reason + "\n");
}
