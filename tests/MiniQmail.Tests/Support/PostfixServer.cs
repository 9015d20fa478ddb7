using Xunit;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MiniQmail.Tests.Support;

/// <summary>
/// The real Postfix that .ci/setup-postfix.sh starts: qmqpd on a loopback port, local delivery
/// into /var/mail/USER for its domain. Tests that need it call <see cref="Require"/> inside a
/// [SkippableFact]: on a developer machine without Postfix they are skipped; under CI (the CI
/// variable set) they fail instead, so CI never passes by skipping.
/// </summary>
public sealed record PostfixServer(IPEndPoint Qmqp, string Domain)
{
    public string Entry => $"{Qmqp.Address}:{Qmqp.Port}";

    public static PostfixServer Require()
    {
        var port = int.TryParse(Environment.GetEnvironmentVariable("MINIQMAIL_POSTFIX_QMQP_PORT"), out var p) ? p : 10628;
        var domain = Environment.GetEnvironmentVariable("MINIQMAIL_POSTFIX_DOMAIN") is { Length: > 0 } d ? d : "postfix.test";
        var endpoint = new IPEndPoint(IPAddress.Loopback, port);
        if (!Listening(endpoint))
        {
            var why = $"Postfix qmqpd is not listening on {endpoint} (run .ci/setup-postfix.sh as root)";
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
                throw new InvalidOperationException(why);
            Skip.If(true, why);
        }
        return new PostfixServer(endpoint, domain);
    }

    public static string MailboxPath(string user) => Path.Combine("/var/mail", user);

    public string Address(string user) => $"{user}@{Domain}";

    /// <summary>
    /// Waits (at most <paramref name="timeout"/>) until the user's mailbox holds a message
    /// containing <paramref name="token"/>, and returns that message's text.
    /// </summary>
    public static string WaitForMessage(string user, string token, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (File.Exists(MailboxPath(user)))
            {
                var text = Encoding.Latin1.GetString(File.ReadAllBytes(MailboxPath(user)));
                foreach (var message in SplitMbox(text))
                {
                    if (message.Contains(token, StringComparison.Ordinal))
                        return message;
                }
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"no message with '{token}' reached /var/mail/{user} in time; see /var/log/postfix-test.log");
            Thread.Sleep(100);
        }
    }

    /// <summary>Counts the messages in the user's mailbox that contain <paramref name="token"/>.</summary>
    public static int CountMessages(string user, string token)
    {
        if (!File.Exists(MailboxPath(user)))
            return 0;
        var text = Encoding.Latin1.GetString(File.ReadAllBytes(MailboxPath(user)));
        return SplitMbox(text).Count(m => m.Contains(token, StringComparison.Ordinal));
    }

    private static IEnumerable<string> SplitMbox(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var next = text.IndexOf("\nFrom ", start + 1, StringComparison.Ordinal);
            var end = next < 0 ? text.Length : next + 1;
            yield return text[start..end];
            start = end;
        }
    }

    private static bool Listening(IPEndPoint endpoint)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            var connect = s.ConnectAsync(endpoint);
            return connect.Wait(TimeSpan.FromSeconds(2)) && s.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
    }
}
