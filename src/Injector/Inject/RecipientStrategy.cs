namespace MiniQmail.Injector.Inject;

/// <summary>Where envelope recipients come from (qmail-inject.md §2: -a, -h, -A, -H).</summary>
public enum RecipientStrategy
{
    /// <summary>-A: the arguments if there are any, else the header.</summary>
    ArgumentsElseHeader,
    /// <summary>-a: the arguments only.</summary>
    Arguments,
    /// <summary>-h: the header only; arguments are not even parsed.</summary>
    Header,
    /// <summary>-H: the arguments followed by the header recipients.</summary>
    Both,
}
