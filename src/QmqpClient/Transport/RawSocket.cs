using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace MiniQmail.Qmqp.Transport;

/// <summary>
/// A TCP socket driven by plain system calls (socket, connect, poll, send, recv). .NET's
/// <see cref="Socket"/> starts its epoll engine thread and loads several assemblies the moment
/// one is created, about 20 ms of start-up on the machines measured, for a process that sends
/// one message; these calls cost nothing extra (README, "Start-up"). Non-blocking throughout,
/// every wait a poll with a limit; failures are thrown as <see cref="SocketException"/> so the
/// conversation code reads as with a managed socket.
/// </summary>
internal sealed unsafe partial class RawSocket : IDisposable
{
    private const int AfInet = 2;
    private const int AfInet6 = 10;
    private const int SockStream = 1;
    private const int SockNonBlock = 0x800;
    private const int SockCloexec = 0x80000;
    private const int IpProtoTcp = 6;
    private const int TcpNoDelay = 1;
    private const int SolSocket = 1;
    private const int SoError = 4;
    private const int SoLinger = 13;
    private const short PollIn = 0x001;
    private const short PollOut = 0x004;
    private const short PollErr = 0x008;
    private const short PollHup = 0x010;
    private const int MsgNoSignal = 0x4000;
    private const int ShutRdWr = 2;
    private const int EIntr = 4;
    private const int EAgain = 11;
    private const int EInProgress = 115;

    private readonly Lock _lock = new();
    private int _fd;
    private bool _cancelled;

    private RawSocket(int fd) => _fd = fd;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int SysSocket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    private static partial int SysConnect(int fd, byte* address, int length);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int SysPoll(PollFd* fds, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint SysSend(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint SysRecv(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SysSetSockOpt(int fd, int level, int name, int* value, int length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static partial int SysGetSockOpt(int fd, int level, int name, int* value, int* length);

    [LibraryImport("libc", EntryPoint = "shutdown")]
    private static partial int SysShutdown(int fd, int how);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int SysClose(int fd);

    /// <summary>A non-blocking, close-on-exec TCP socket for the address family.</summary>
    public static RawSocket Create(AddressFamily family)
    {
        var fd = SysSocket(family == AddressFamily.InterNetworkV6 ? AfInet6 : AfInet, SockStream | SockNonBlock | SockCloexec, IpProtoTcp);
        if (fd < 0)
            throw Error(Marshal.GetLastPInvokeError());
        return new RawSocket(fd);
    }

    /// <summary>Connects within <paramref name="timeoutMs"/>: Success, TimedOut, or the reason it failed.</summary>
    public SocketError Connect(IPEndPoint endpoint, int timeoutMs)
    {
        var address = stackalloc byte[28];
        new Span<byte>(address, 28).Clear();
        var port = endpoint.Port;
        int length;
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            *(ushort*)address = AfInet6;
            endpoint.Address.TryWriteBytes(new Span<byte>(address + 8, 16), out _);
            *(uint*)(address + 24) = (uint)endpoint.Address.ScopeId;
            length = 28;
        }
        else
        {
            *(ushort*)address = AfInet;
            endpoint.Address.TryWriteBytes(new Span<byte>(address + 4, 4), out _);
            length = 16;
        }
        address[2] = (byte)(port >> 8);
        address[3] = (byte)port;
        if (SysConnect(_fd, address, length) == 0)
            return SocketError.Success;
        var errno = Marshal.GetLastPInvokeError();
        if (errno is not (EInProgress or EIntr))
            return FromErrno(errno);
        if (!Wait(PollOut, timeoutMs, out var ready))
            return SocketError.TimedOut;
        // Writable with no error or hang-up: connected, and asking SO_ERROR would be a system call for nothing.
        if ((ready & (PollErr | PollHup)) == 0)
            return SocketError.Success;
        int code;
        var size = sizeof(int);
        if (SysGetSockOpt(_fd, SolSocket, SoError, &code, &size) != 0)
            return FromErrno(Marshal.GetLastPInvokeError());
        return code == 0 ? SocketError.Success : FromErrno(code);
    }

    public bool NoDelay
    {
        set
        {
            var on = value ? 1 : 0;
            SysSetSockOpt(_fd, IpProtoTcp, TcpNoDelay, &on, sizeof(int));
        }
    }

    /// <summary>Sends some of <paramref name="data"/> once the socket is writable within the limit; the count sent.</summary>
    public int Send(ReadOnlySpan<byte> data, int timeoutMs)
    {
        // Try first: a socket just connected, or with room in its buffer, takes the data at once,
        // and a poll before every send would be a wasted system call. Only a full buffer waits.
        while (true)
        {
            ObjectDisposedException.ThrowIf(_cancelled || _fd < 0, this);
            nint n;
            fixed (byte* p = data)
                n = SysSend(_fd, p, (nuint)data.Length, MsgNoSignal);
            if (n >= 0)
                return (int)n;
            var errno = Marshal.GetLastPInvokeError();
            if (errno is not (EAgain or EIntr))
                throw Error(errno);
            if (errno == EAgain && !Wait(PollOut, timeoutMs))
                throw Error(SocketError.TimedOut);
        }
    }

    /// <summary>Receives what arrives within the limit (0 when the peer closed); a timeout is a SocketException (TimedOut).</summary>
    public int Receive(Span<byte> buffer, int timeoutMs)
    {
        while (true)
        {
            if (!Wait(PollIn, timeoutMs))
                throw Error(SocketError.TimedOut);
            nint n;
            fixed (byte* p = buffer)
                n = SysRecv(_fd, p, (nuint)buffer.Length, 0);
            if (n >= 0)
                return (int)n;
            var errno = Marshal.GetLastPInvokeError();
            if (errno is not (EAgain or EIntr))
                throw Error(errno);
        }
    }

    /// <summary>
    /// Makes the coming close abortive (SO_LINGER 0): a reset instead of the FIN exchange, and
    /// no TIME_WAIT on either side. For a conversation whose last word has been read.
    /// </summary>
    public void ResetOnClose()
    {
        var linger = stackalloc int[2];
        linger[0] = 1;
        linger[1] = 0;
        SysSetSockOpt(_fd, SolSocket, SoLinger, linger, 2 * sizeof(int));
    }

    /// <summary>Ends a conversation from another thread: a waiting poll wakes up and the call fails.</summary>
    public void Cancel()
    {
        lock (_lock)
        {
            _cancelled = true;
            if (_fd >= 0)
                SysShutdown(_fd, ShutRdWr);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_fd < 0)
                return;
            SysClose(_fd);
            _fd = -1;
        }
    }

    /// <summary>Polls for <paramref name="events"/>; false when the limit passed first.</summary>
    private bool Wait(short events, int timeoutMs) => Wait(events, timeoutMs, out _);

    /// <summary>Polls for <paramref name="events"/>; false when the limit passed first, else the events that came.</summary>
    private bool Wait(short events, int timeoutMs, out short ready)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            ObjectDisposedException.ThrowIf(_cancelled || _fd < 0, this);
            var remaining = (int)Math.Max(0, deadline - Environment.TickCount64);
            var fds = new PollFd { Fd = _fd, Events = events };
            var rc = SysPoll(&fds, 1, remaining);
            ObjectDisposedException.ThrowIf(_cancelled, this);
            ready = fds.Revents;
            if (rc > 0)
                return true;
            if (rc == 0)
                return false;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EIntr)
                throw Error(errno);
        }
    }

    private static SocketException Error(int errno) => Error(FromErrno(errno));

    private static SocketException Error(SocketError error) => new((int)error);

    /// <summary>Linux errno values as <see cref="SocketError"/>.</summary>
    public static SocketError FromErrno(int errno) => errno switch
    {
        >= 10000 => (SocketError)errno,
        111 => SocketError.ConnectionRefused,
        110 => SocketError.TimedOut,
        113 => SocketError.HostUnreachable,
        101 => SocketError.NetworkUnreachable,
        99 => SocketError.AddressNotAvailable,
        104 => SocketError.ConnectionReset,
        103 => SocketError.ConnectionAborted,
        32 => SocketError.Shutdown,
        97 => SocketError.AddressFamilyNotSupported,
        24 or 23 => SocketError.TooManyOpenSockets,
        _ => SocketError.SocketError,
    };
}
