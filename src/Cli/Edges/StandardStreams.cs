using System.Runtime.InteropServices;

namespace MiniQmail.Cli.Edges;

/// <summary>
/// Standard input and output for the classic programs without loading System.Console on the
/// common path: sendmail reads its input and writes nothing, so input is read with read(2)
/// and standard output is only opened (through Console, never a FileStream, which would write
/// at its own offset) when something is written to it.
/// </summary>
internal static partial class StandardStreams
{
    public static Stream Input() => new DescriptorReader(0);

    public static Stream LazyOutput() => new LazyOutputStream();

    private sealed partial class DescriptorReader(int fd) : MiniQmail.Injector.ReadOnlyStream
    {
        private const int EIntr = 4;

        [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
        private static unsafe partial nint SysRead(int fd, byte* buffer, nuint count);

        public override unsafe int Read(Span<byte> buffer)
        {
            while (true)
            {
                nint n;
                fixed (byte* p = buffer)
                    n = SysRead(fd, p, (nuint)buffer.Length);
                if (n >= 0)
                    return (int)n;
                var errno = Marshal.GetLastPInvokeError();
                if (errno != EIntr)
                    throw new IOException($"read error on descriptor {fd} (errno {errno})");
            }
        }
    }

    private sealed class LazyOutputStream : MiniQmail.Qmqp.Transport.WriteOnlyStream
    {
        private Stream? _inner;

        private Stream Inner => _inner ??= Console.OpenStandardOutput();

        public override void Write(ReadOnlySpan<byte> buffer) => Inner.Write(buffer);

        public override void Flush() => _inner?.Flush();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _inner?.Dispose();
            base.Dispose(disposing);
        }
    }
}
