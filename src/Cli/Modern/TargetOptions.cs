using System.CommandLine;
using MiniQmail.Cli.Edges;
using MiniQmail.Installer.Install;

namespace MiniQmail.Cli.Modern;

/// <summary>The --root and --home options that install, uninstall and doctor share.</summary>
internal sealed class TargetOptions
{
    public Option<string> Root { get; } = new("--root") { Description = "Prefix for every path (like DESTDIR): install into a scratch tree or a package root.", DefaultValueFactory = _ => "" };

    public Option<string?> Home { get; } = new("--home") { Description = $"The home as the installed programs see it (default: ${Control.Layout.HomeVariable} or {Control.Layout.DefaultHome})." };

    public void AddTo(Command command)
    {
        command.Options.Add(Root);
        command.Options.Add(Home);
    }

    public InstallTarget Get(ParseResult parse) =>
        new(parse.GetValue(Root) ?? "", parse.GetValue(Home) is { Length: > 0 } home ? home : ProcessEnvironment.Current.Layout.Home);
}
