namespace MiniQmail.Injector;

/// <summary>What <see cref="Getopt.Next"/> found.</summary>
public enum GetoptResult
{
    Option,
    /// <summary>No more options; <see cref="Getopt.Index"/> is the first operand.</summary>
    End,
    Illegal,
    MissingArgument,
}

/// <summary>
/// The classic single-letter option reader qmail's programs use (qmail-inject.md §2,
/// sendmail.md §2): clusters, an argument as the rest of the word or the next word, any word
/// starting with <c>--</c> ends the options and is dropped, <c>-</c> alone or a word without a
/// leading dash ends them and is kept. Pull style, so a caller can act on an option at once
/// (sendmail's -bp stops the scan).
/// </summary>
public sealed class Getopt(IReadOnlyList<byte[]> words, string letters)
{
    private int _offset;

    /// <summary>The next word to look at; after <see cref="GetoptResult.End"/>, the first operand.</summary>
    public int Index { get; private set; }

    public byte Letter { get; private set; }

    public byte[]? Argument { get; private set; }

    public GetoptResult Next()
    {
        Argument = null;
        if (_offset == 0)
        {
            if (Index >= words.Count)
                return GetoptResult.End;
            var word = words[Index];
            if (word.Length < 2 || word[0] != '-')
                return GetoptResult.End;
            if (word[1] == '-')
            {
                Index++;
                return GetoptResult.End;
            }
            _offset = 1;
        }
        var current = words[Index];
        Letter = current[_offset++];
        var spec = letters.IndexOf((char)Letter, StringComparison.Ordinal);
        var takesArgument = spec >= 0 && spec + 1 < letters.Length && letters[spec + 1] == ':';
        if (spec < 0 || Letter == ':')
        {
            EndOfWordCheck(current);
            return GetoptResult.Illegal;
        }
        if (!takesArgument)
        {
            EndOfWordCheck(current);
            return GetoptResult.Option;
        }
        if (_offset < current.Length)
        {
            Argument = current[_offset..];
            _offset = 0;
            Index++;
            return GetoptResult.Option;
        }
        _offset = 0;
        Index++;
        if (Index >= words.Count)
            return GetoptResult.MissingArgument;
        Argument = words[Index++];
        return GetoptResult.Option;
    }

    /// <summary>Skips what is left of the current word (sendmail's -E and -J).</summary>
    public void SkipRestOfWord()
    {
        if (_offset == 0)
            return;
        _offset = 0;
        Index++;
    }

    private void EndOfWordCheck(byte[] current)
    {
        if (_offset < current.Length)
            return;
        _offset = 0;
        Index++;
    }
}
