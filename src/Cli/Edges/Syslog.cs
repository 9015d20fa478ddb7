using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MiniQmail.Cli.Edges;

/// <summary>
/// One line to the local syslog daemon (facility mail) through /dev/log, RFC 3164 style. Best
/// effort: without a daemon the line is dropped silently, stderr having told the story already.
/// </summary>
internal static class Syslog
{
    public const int Error = 3;
    public const int Warning = 4;
    public const int Info = 6;
    private const int MailFacility = 2;

    public static void Write(string program, int severity, string message)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint("/dev/log"));
            var line = string.Create(CultureInfo.InvariantCulture, $"<{MailFacility * 8 + severity}>{program}[{Environment.ProcessId}]: {message}");
            socket.Send(Encoding.UTF8.GetBytes(line));
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
        }
    }
}
