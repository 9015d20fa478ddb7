using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace MiniQmail.Control;

/// <summary>
/// One entry of control/qmqpservers: an IP address or a host name, and a port.
/// </summary>
public sealed record QmqpServer(string Host, int Port, IPAddress? Address)
{
    // Plain loops and SearchValues rather than LINQ: this runs on every sendmail start. The
    // IPv4 path (the common one) avoids SearchValues and IPAddress formatting: both are compiled
    // at run time, about 3 ms of a sendmail start (README, "Start-up").
    private static readonly SearchValues<char> HostNameCharacters =
        SearchValues.Create("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>The QMQP port (qmqp.md §2).</summary>
    public const int DefaultPort = 628;

    /// <summary>How the server is shown in messages: <c>1.2.3.4:628</c>, <c>[::1]:628</c>, <c>name:628</c>.</summary>
    public override string ToString() =>
        Address is { AddressFamily: AddressFamily.InterNetworkV6 } ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>
    /// Parses one entry. Accepted forms: <c>1.2.3.4</c>, <c>::1</c>, <c>[::1]</c>, <c>host.name</c>,
    /// each of the last three but the bare IPv6 form with an optional <c>:port</c>; leading and
    /// trailing blanks and a trailing <c># comment</c> are ignored. Anything else is an error,
    /// where the original silently skipped it (README, "Differences from mini-qmail").
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> entry, out QmqpServer? server, out string error)
    {
        server = null;
        error = "";
        foreach (var b in entry)
        {
            if (b is < 0x20 and not (byte)'\t' and not (byte)'\r' || b >= 0x7f)
            {
                error = "contains a control or non-ASCII byte";
                return false;
            }
        }
        var text = System.Text.Encoding.ASCII.GetString(entry);
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
            text = text[..hash];
        text = text.Trim(' ', '\t', '\r');
        if (text.Length == 0)
        {
            error = "no server address";
            return false;
        }

        string host;
        var port = DefaultPort;
        if (text[0] == '[')
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = "'[' without ']'";
                return false;
            }
            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0 && (rest[0] != ':' || !TryParsePort(rest[1..], out port, out error)))
            {
                if (error.Length == 0)
                    error = "unexpected text after ']'";
                return false;
            }
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = $"'{host}' is not an IPv6 address";
                return false;
            }
            server = new QmqpServer(v6.ToString(), port, v6);
            return true;
        }

        var colons = text.AsSpan().Count(':');
        if (colons > 1)
        {
            // A bare IPv6 address; a port needs the bracketed form.
            if (!IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6 || text.Contains('%', StringComparison.Ordinal))
            {
                error = $"'{text}' is not an IPv6 address (write [address]:port for a port)";
                return false;
            }
            server = new QmqpServer(v6.ToString(), port, v6);
            return true;
        }
        if (colons == 1)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (!TryParsePort(text[(colon + 1)..], out port, out error))
                return false;
            host = text[..colon];
        }
        else
        {
            host = text;
        }

        if (host.Length > 0 && AllDigitsAndDots(host))
        {
            if (!TryParseDottedQuad(host, out var v4))
            {
                error = $"'{host}' is not an IPv4 address";
                return false;
            }
            server = new QmqpServer(DottedQuad(v4), port, v4);
            return true;
        }
        if (!IsHostName(host))
        {
            error = $"'{host}' is not a host name or an IP address";
            return false;
        }
        server = new QmqpServer(host, port, null);
        return true;
    }

    private static bool AllDigitsAndDots(string text)
    {
        foreach (var c in text)
            if (c is not ('.' or (>= '0' and <= '9')))
                return false;
        return true;
    }

    /// <summary>
    /// An address and port as log lines show them ("192.0.2.1:628", "[2001:db8::1]:628"). IPv4
    /// without IPAddress formatting, which is compiled at run time (start-up).
    /// </summary>
    public static string Describe(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? $"{DottedQuad(endpoint.Address)}:{endpoint.Port}"
            : endpoint.ToString();
    }

    /// <summary>An IPv4 address in its canonical dotted form, formatted without IPAddress.ToString.</summary>
    internal static string DottedQuad(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(int)bytes[0]}.{(int)bytes[1]}.{(int)bytes[2]}.{(int)bytes[3]}");
    }

    private static bool TryParsePort(string text, out int port, out string error)
    {
        error = "";
        port = 0;
        if (text.Length is 0 or > 5 || text.AsSpan().ContainsAnyExceptInRange('0', '9') || (text.Length > 1 && text[0] == '0')
            || !int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
            || port is < 1 or > 65535)
        {
            error = $"'{text}' is not a port number (1-65535)";
            return false;
        }
        return true;
    }

    /// <summary>Four decimal octets 0-255 without leading zeros (no wrap-around, no octal).</summary>
    private static bool TryParseDottedQuad(string text, out IPAddress address)
    {
        address = IPAddress.None;
        var parts = text.Split('.');
        if (parts.Length != 4)
            return false;
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < 4; i++)
        {
            var p = parts[i];
            if (p.Length is 0 or > 3 || (p.Length > 1 && p[0] == '0'))
                return false;
            var value = int.Parse(p, System.Globalization.CultureInfo.InvariantCulture);
            if (value > 255)
                return false;
            bytes[i] = (byte)value;
        }
        address = new IPAddress(bytes);
        return true;
    }

    /// <summary>RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.</summary>
    public static bool IsHostName(string host)
    {
        if (host.EndsWith('.'))
            host = host[..^1];
        if (host.Length is 0 or > 253)
            return false;
        foreach (var label in host.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
                return false;
            if (label.AsSpan().ContainsAnyExcept(HostNameCharacters))
                return false;
        }
        return true;
    }
}
