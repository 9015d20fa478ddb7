using MiniQmail.Injector;
using MiniQmail.Injector.Handoff;
using MiniQmail.Injector.Inject;
using MiniQmail.Qmqp.Codec;
using MiniQmail.Qmqp.Transport;
using MiniQmail.Tests.Injector.Vectors;
using Xunit;

namespace MiniQmail.Tests.Injector;

/// <summary>Only the header is held in memory: the body streams through in buffer-sized pieces.</summary>
public sealed class StreamingTests(VectorFixture fixture) : IClassFixture<VectorFixture>
{
    private const long OneGiB = 1L << 30;

    [Fact]
    public void A_1_GiB_body_goes_through_with_bounded_allocation()
    {
        var sink = new CountingQueue();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = QmailInject.Run(new InjectRequest
        {
            Arguments = VectorHarness.Words(["bob"]),
            Environment = VectorHarness.Env(new Dictionary<string, string> { ["USER"] = "joe" }),
            Layout = fixture.Harness.Layout("C1"),
            WorkingDirectory = fixture.Harness.WorkingDirectory,
            Clock = new FixedClock(VectorHarness.Frozen),
            ProcessId = 1,
            Input = new GeneratedMessage(OneGiB),
            Output = Stream.Null,
            Launch = () => sink,
        });
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, result.ExitCode);
        Assert.True(sink.Bytes > OneGiB, $"only {sink.Bytes} bytes reached the queue program");
        Assert.True(allocated < 16 * 1024 * 1024, $"{allocated} bytes allocated for a 1 GiB body");
    }

    [Fact]
    public void The_spool_keeps_small_messages_in_memory_and_moves_large_ones_to_a_file()
    {
        using var spool = new SpoolWriter(Path.GetTempPath(), memoryThreshold: 1024);
        var chunk = Enumerable.Range(0, 700).Select(i => (byte)i).ToArray();
        spool.Write(chunk);
        spool.Write(chunk);
        spool.Write(chunk);
        using var source = spool.ToSource();
        Assert.Equal(2100, source.Length);
        var copy = new MemoryStream();
        source.CopyTo(copy);
        Assert.Equal([.. chunk, .. chunk, .. chunk], copy.ToArray());
    }

    /// <summary>A header and <c>size</c> bytes of body lines, made up as they are read.</summary>
    private sealed class GeneratedMessage(long size) : ReadOnlyStream
    {
        private static readonly byte[] Header = "Subject: big\n\n"u8.ToArray();
        private static readonly byte[] Line = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef\n"u8.ToArray();
        private long _position;

        public override int Read(Span<byte> buffer)
        {
            var total = Header.Length + size;
            var n = 0;
            while (n < buffer.Length && _position < total)
            {
                if (_position < Header.Length)
                    buffer[n++] = Header[_position++];
                else
                {
                    var offset = (int)((_position - Header.Length) % Line.Length);
                    var take = (int)Math.Min(Math.Min(Line.Length - offset, buffer.Length - n), total - _position);
                    Line.AsSpan(offset, take).CopyTo(buffer[n..]);
                    n += take;
                    _position += take;
                }
            }
            return n;
        }
    }

    private sealed class CountingQueue : IQueueProgram
    {
        private readonly CountingStream _stream = new();

        public long Bytes => _stream.Count;
        public Stream Message => _stream;

        public QueueOutcome Finish(Envelope envelope) => QueueOutcome.Exited(0);

        public void Dispose()
        {
        }
    }

    private sealed class CountingStream : WriteOnlyStream
    {
        public long Count { get; private set; }

        public override void Write(ReadOnlySpan<byte> buffer) => Count += buffer.Length;
    }
}
