using System.CommandLine;
using MiniQmail.Cli.Modern;
using Xunit;

namespace MiniQmail.Tests.Cli;

/// <summary>A command line naming a subcommand builds that subcommand alone, and reads exactly as with the whole tree.</summary>
public class ModernCliTests
{
    public static TheoryData<string[]> CommandLines => new()
    {
        { new[] { "flush", "--help" } },
        { new[] { "flush", "--bogus" } },
        { new[] { "flush", "--concurrency" } },
        { new[] { "queue", "--help" } },
        { new[] { "queue", "list", "--help" } },
        { new[] { "queue", "show" } },
        { new[] { "install", "--help" } },
        { new[] { "uninstall", "-h" } },
        { new[] { "doctor", "extra" } },
        { new[] { "sink", "--help" } },
    };

    [Theory]
    [MemberData(nameof(CommandLines))]
    public void A_named_subcommand_alone_gives_the_same_help_and_errors_as_the_whole_tree(string[] args)
    {
        var lean = ModernCli.Root(args);
        Assert.Equal(args[0], Assert.Single(lean.Subcommands).Name);
        var output = Output(lean, args);
        Assert.Contains($" {args[0]} ", output, StringComparison.Ordinal); // the subcommand's usage line, help or error
        Assert.Equal(Output(ModernCli.Root([]), args), output);
    }

    [Fact]
    public void Help_and_unknown_words_get_the_whole_tree()
    {
        var names = ModernCli.Root(["--help"]).Subcommands.Select(c => c.Name).ToList();
        Assert.Equal(ModernCli.ClassicCommands.Length + 6, names.Count);
        Assert.Contains("flush", names);
        Assert.Contains("inject", names);
        Assert.Equal(names, ModernCli.Root(["flsh"]).Subcommands.Select(c => c.Name));
    }

    /// <summary>What parsing <paramref name="args"/> against <paramref name="root"/> prints, and its exit code (nothing is run: every line given is help or an error).</summary>
    private static string Output(RootCommand root, string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var result = root.Parse(args);
        var code = result.Invoke(new InvocationConfiguration { Output = output, Error = error });
        return $"{code}\n{output}\n{error}\n{string.Join('\n', result.Errors.Select(e => e.Message))}";
    }
}
