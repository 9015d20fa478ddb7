using System.Text;

namespace MiniQmail.Injector.Handoff;

/// <summary>
/// What a queue program's result means to its caller (qmail-inject.md §11.1): success, or a text
/// and whether the failure is permanent. qmail-inject and forward share it.
/// </summary>
public static class QueueResultText
{
    /// <summary>Null on success; otherwise the text and its class.</summary>
    public static (string Text, bool Permanent)? Describe(QueueOutcome outcome, bool writeFailed)
    {
        if (outcome.WaitFailed)
            return ("qq waitpid surprise (#4.3.0)", false);
        if (outcome.Crashed)
            return ("qq crashed (#4.3.0)", false);
        var code = outcome.ExitCode;
        switch (code)
        {
            case 0:
                return writeFailed || outcome.WriteFailed ? ("qq read error (#4.3.0)", false) : null;
            case 11 or 115:
                return ("envelope address too long for qq (#5.1.3)", true);
            case 31:
                return ("mail server permanently rejected message (#5.3.0)", true);
            case 51:
                return ("qq out of memory (#4.3.0)", false);
            case 52:
                return ("qq timeout (#4.3.0)", false);
            case 53:
                return ("qq write error or disk full (#4.3.0)", false);
            case 54:
                return ("qq read error (#4.3.0)", false);
            case 55:
                return ("qq unable to read configuration (#4.3.0)", false);
            case 56:
                return ("qq trouble making network connection (#4.3.0)", false);
            case 61:
                return ("qq trouble in home directory (#4.3.0)", false);
            case >= 62 and <= 66:
                return ("qq trouble creating files in queue (#4.3.0)", false);
            case 71:
                return ("mail server temporarily rejected message (#4.3.0)", false);
            case 72:
                return ("connection to mail server timed out (#4.4.1)", false);
            case 73:
                return ("connection to mail server rejected (#4.4.1)", false);
            case 74:
                return ("communication with mail server failed (#4.4.2)", false);
            case 81 or 91:
                return ("qq internal bug (#4.3.0)", false);
            case 120:
                return ("unable to exec qq (#4.3.0)", false);
            case 82 when outcome.ErrorText is { Length: > 2 } text:
                // The queue program's own text on descriptor 6: first byte D = permanent.
                return (Encoding.UTF8.GetString(text.AsSpan(1)), text[0] == 'D');
            case >= 11 and <= 40:
                return ("qq permanent problem (#5.3.0)", true);
            default:
                return ("qq temporary problem (#4.3.0)", false);
        }
    }
}
