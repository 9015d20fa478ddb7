using System.Globalization;
using System.Text;
using MiniQmail.Qmqp.Codec;

namespace MiniQmail.Queue.Bounce;

/// <summary>Why a queued message is returned to its sender.</summary>
public enum BounceReason
{
    /// <summary>A server refused it for good (QMQP D).</summary>
    PermanentRefusal,
    /// <summary>It stayed in the queue longer than queuelifetime.</summary>
    Expired,
}

/// <summary>
/// Builds the delivery status notification (RFC 3464 multipart/report) that tells a sender a
/// queued message failed: a human-readable part, the machine-readable message/delivery-status
/// part with one per-recipient block each, and the returned header (text/rfc822-headers). The
/// notification goes out from the null sender (RFC 5321 §4.5.5), so it can never bounce itself.
/// </summary>
public static class DeliveryStatusNotification
{
    /// <summary>Longest piece of the original header returned.</summary>
    public const int MaxReturnedHeader = 64 * 1024;

    /// <summary>The notification's envelope: null sender, the original sender as the only recipient.</summary>
    public static Envelope EnvelopeFor(Envelope original) => new([], [original.Sender]);

    public static byte[] Build(Envelope original, ReadOnlySpan<byte> originalMessage, BounceReason reason, string diagnostic,
        string reportingHost, DateTimeOffset arrival, DateTimeOffset now, string boundarySeed)
    {
        ArgumentNullException.ThrowIfNull(original);
        var boundary = $"mini-qmail-dsn-{boundarySeed}";
        var status = reason == BounceReason.Expired ? "4.4.7" : "5.0.0";
        var why = reason == BounceReason.Expired
            ? "It stayed in the queue for too long without any server accepting it."
            : "A server refused it permanently.";
        var text = new StringBuilder();
        void Line(string s) => text.Append(s).Append('\n');

        Line($"From: MAILER-DAEMON@{reportingHost}");
        Line($"To: {Latin1(original.Sender)}");
        Line("Subject: failure notice");
        Line($"Date: {RfcDate(now)}");
        Line($"Message-ID: <{now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}.{boundarySeed}@{reportingHost}>");
        Line("Auto-Submitted: auto-replied");
        Line("MIME-Version: 1.0");
        Line($"Content-Type: multipart/report; report-type=delivery-status; boundary=\"{boundary}\"");
        Line("");
        Line("This is a MIME-encapsulated delivery status notification.");
        Line("");
        Line($"--{boundary}");
        Line("Content-Type: text/plain; charset=us-ascii");
        Line("");
        Line($"Hi. This is the mini-qmail retry queue at {reportingHost}.");
        Line("I'm afraid I wasn't able to deliver your message to the following addresses.");
        Line($"This is a permanent error; I've given up. {why}");
        Line("");
        foreach (var recipient in original.Recipients)
            Line($"<{Latin1(recipient)}>:");
        Line(Sanitize(diagnostic));
        Line("");
        Line($"--{boundary}");
        Line("Content-Type: message/delivery-status");
        Line("");
        Line($"Reporting-MTA: dns; {reportingHost}");
        Line($"Arrival-Date: {RfcDate(arrival)}");
        foreach (var recipient in original.Recipients)
        {
            Line("");
            Line($"Final-Recipient: rfc822; {Latin1(recipient)}");
            Line("Action: failed");
            Line($"Status: {status}");
            Line($"Diagnostic-Code: X-QMQP; {Sanitize(diagnostic)}");
            Line($"Last-Attempt-Date: {RfcDate(now)}");
        }
        Line("");
        Line($"--{boundary}");
        Line("Content-Type: text/rfc822-headers");
        Line("");
        var result = new MemoryStream();
        result.Write(Encoding.Latin1.GetBytes(text.ToString()));
        var header = HeaderOf(originalMessage);
        result.Write(header);
        if (header.Length > 0 && header[^1] != (byte)'\n')
            result.WriteByte((byte)'\n');
        result.Write(Encoding.ASCII.GetBytes($"\n--{boundary}--\n"));
        return result.ToArray();
    }

    /// <summary>The header of a message: everything up to the first empty line, capped.</summary>
    public static ReadOnlySpan<byte> HeaderOf(ReadOnlySpan<byte> message)
    {
        var end = message.IndexOf("\n\n"u8);
        var header = end < 0 ? message : message[..(end + 1)];
        return header.Length > MaxReturnedHeader ? header[..MaxReturnedHeader] : header;
    }

    public static string RfcDate(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);

    private static string Latin1(byte[] address) => Sanitize(Encoding.Latin1.GetString(address));

    /// <summary>One header-safe line: control characters become spaces.</summary>
    private static string Sanitize(string s) => string.Create(s.Length, s, static (span, src) =>
    {
        for (var i = 0; i < src.Length; i++)
            span[i] = char.IsControl(src[i]) ? ' ' : src[i];
    });
}
