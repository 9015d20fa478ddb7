using System.CommandLine;
using MiniQmail.Cli.Classic;
using MiniQmail.Cli.Edges;

namespace MiniQmail.Cli.Modern;

/// <summary><c>mini-qmail queue list|show|delete|retry|hold|release</c>: look at and change the retry queue.</summary>
internal static class QueueCommand
{
    private const string Program = "mini-qmail queue";

    public const string Name = "queue";

    public static Command Create()
    {
        var command = new Command(Name, "Look at and change the retry queue.");
        var listJson = JsonOption();
        var list = new Command("list", "List queued messages: id, age, size, attempts, next attempt, sender, recipients, last error.") { listJson };
        list.SetAction(parse => QueueTools.List(Program, ProcessEnvironment.Current, parse.GetValue(listJson)));
        command.Subcommands.Add(list);

        var showId = IdArgument();
        var showJson = JsonOption();
        var show = new Command("show", "Show one message: its queue record, then the message itself.") { showId, showJson };
        show.SetAction(parse => QueueTools.Show(Program, ProcessEnvironment.Current, parse.GetValue(showId), parse.GetValue(showJson)));
        command.Subcommands.Add(show);

        foreach (var (name, action, description) in new[]
        {
            ("delete", QueueAction.Delete, "Remove a message from the queue without sending it."),
            ("retry", QueueAction.Retry, "Make a message due now (the next flush sends it)."),
            ("hold", QueueAction.Hold, "Keep a message in the queue; flush skips it until released."),
            ("release", QueueAction.Release, "Let flush send a held message again."),
        })
        {
            var id = IdArgument();
            var sub = new Command(name, description) { id };
            sub.SetAction(parse => QueueTools.Change(Program, ProcessEnvironment.Current, action, parse.GetValue(id)));
            command.Subcommands.Add(sub);
        }
        return command;
    }

    private static Option<bool> JsonOption() => new("--json") { Description = "Write JSON for scripts." };

    private static Argument<long> IdArgument() => new("id") { Description = "The message id, as queue list shows it." };
}
