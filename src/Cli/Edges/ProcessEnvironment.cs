using MiniQmail.Control;

namespace MiniQmail.Cli.Edges;

/// <summary>What a program reads from the process: its environment and the layout it implies.</summary>
internal sealed class ProcessEnvironment(Func<string, string?> getVariable)
{
    public static ProcessEnvironment Current { get; } = new(Environment.GetEnvironmentVariable);

    public Func<string, string?> GetVariable { get; } = getVariable;

    public Layout Layout => Layout.FromEnvironment(GetVariable, Environment.ProcessPath);

    public string TempDirectory => Qmqp.Transport.MessageSpool.DefaultTempDirectory(GetVariable);
}
