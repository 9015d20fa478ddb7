using System.CommandLine;
using MiniQmail.Cli.Classic;
using MiniQmail.Cli.Edges;

namespace MiniQmail.Cli.Modern;

/// <summary><c>mini-qmail flush</c>: one run of the retry queue, for cron and systemd timers.</summary>
internal static class FlushCommand
{
    public const string Name = "flush";

    public static Command Create()
    {
        var all = new Option<bool>("--all") { Description = "Send every message that is not held now, whatever its next attempt time (as sendmail -q does)." };
        var concurrency = new Option<int?>("--concurrency") { Description = "Messages in flight at once (default: control/queueconcurrency, else 4)." };
        var delay = new Option<int>("--random-delay") { Description = "When there is work, first wait a random time up to this many seconds (spreads the load of many hosts)." };
        var command = new Command(Name, "Send queued messages, oldest first. Prints nothing on success; errors go to stderr and syslog.")
        {
            all, concurrency, delay,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(concurrency) is < 1 or > 256)
            {
                Stdio.Fatal("mini-qmail flush", "--concurrency must be from 1 to 256");
                return 100;
            }
            return QueueTools.Flush("mini-qmail flush", ProcessEnvironment.Current, parse.GetValue(all), parse.GetValue(concurrency),
                Math.Clamp(parse.GetValue(delay), 0, 3600));
        });
        return command;
    }
}
