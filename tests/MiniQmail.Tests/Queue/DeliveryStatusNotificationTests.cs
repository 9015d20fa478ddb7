using System.Text;
using MiniQmail.Queue.Bounce;
using Xunit;

namespace MiniQmail.Tests.Queue;

public class DeliveryStatusNotificationTests
{
    private static readonly DateTimeOffset Arrival = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 3, 8, 8, 0, 0, TimeSpan.Zero);

    private static string Build(BounceReason reason, string original = "Subject: hello\nFrom: a@b.example\n\nsecret body\n") =>
        Encoding.Latin1.GetString(DeliveryStatusNotification.Build(QueueKit.Envelope("a@b.example", "c@d.example", "e@f.example"),
            Encoding.ASCII.GetBytes(original), reason, "127.0.0.1:628: Zdisk full", "client.example", Arrival, Now, "seed"));

    [Fact]
    public void The_notification_is_a_multipart_report_with_one_status_block_per_recipient_rfc3464()
    {
        var dsn = Build(BounceReason.Expired);
        Assert.Contains("Content-Type: multipart/report; report-type=delivery-status; boundary=\"mini-qmail-dsn-seed\"", dsn, StringComparison.Ordinal);
        Assert.Contains("\n--mini-qmail-dsn-seed\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; client.example\nArrival-Date: Sun, 01 Mar 2026 08:00:00 +0000\n", dsn, StringComparison.Ordinal);
        Assert.Equal(2, dsn.Split("Action: failed").Length - 1);
        Assert.Contains("Final-Recipient: rfc822; e@f.example\nAction: failed\nStatus: 4.4.7\n", dsn, StringComparison.Ordinal);
        Assert.EndsWith("\n--mini-qmail-dsn-seed--\n", dsn, StringComparison.Ordinal);
        Assert.StartsWith("From: MAILER-DAEMON@client.example\nTo: a@b.example\n", dsn, StringComparison.Ordinal);
        Assert.Contains("Auto-Submitted: auto-replied\n", dsn, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_header_of_the_original_is_returned()
    {
        var dsn = Build(BounceReason.PermanentRefusal);
        Assert.Contains("Content-Type: text/rfc822-headers\n\nSubject: hello\nFrom: a@b.example\n\n--mini-qmail-dsn-seed--", dsn, StringComparison.Ordinal);
        Assert.DoesNotContain("secret body", dsn, StringComparison.Ordinal);
        Assert.Contains("Status: 5.0.0", dsn, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_characters_in_a_diagnostic_cannot_inject_header_lines()
    {
        var dsn = Encoding.Latin1.GetString(DeliveryStatusNotification.Build(QueueKit.Envelope(), "Subject: x\n\n"u8, BounceReason.PermanentRefusal,
            "bad\nBcc: victim@example", "h", Arrival, Now, "s"));
        Assert.DoesNotContain("\nBcc:", dsn, StringComparison.Ordinal);
    }

    [Fact]
    public void The_notification_goes_from_the_null_sender_to_the_original_sender()
    {
        var envelope = DeliveryStatusNotification.EnvelopeFor(QueueKit.Envelope("a@b.example", "c@d.example"));
        Assert.Empty(envelope.Sender);
        Assert.Equal("a@b.example"u8.ToArray(), Assert.Single(envelope.Recipients));
    }
}
