namespace MiniQmail.Queue.Flush;

/// <summary>What one flush run did.</summary>
public sealed record FlushReport(int Delivered, int Deferred, int Bounced, int Dropped, int Untried, IReadOnlyList<string> Errors)
{
    /// <summary>True when the run met an error the administrator should hear about (queue unusable, not just servers down).</summary>
    public bool Failed => Errors.Count > 0;
}
