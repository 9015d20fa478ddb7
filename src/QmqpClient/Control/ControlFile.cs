namespace MiniQmail.Control;

/// <summary>One item of a list file and the line it came from (1-based).</summary>
public sealed record ListLine(int LineNumber, byte[] Item);

/// <summary>How reading one control file went.</summary>
public enum ControlReadStatus
{
    /// <summary>The file was read.</summary>
    Ok,
    /// <summary>The file does not exist: the caller applies its default.</summary>
    Missing,
    /// <summary>Any other failure (permissions, I/O): fatal for the caller.</summary>
    Error,
}

/// <summary>
/// Reads qmail control files as bytes, the way qmail's control functions do: one value per
/// line, trailing spaces, tabs and LFs stripped, carriage returns kept.
/// </summary>
public static class ControlFile
{
    /// <summary>
    /// A single-value file (layout.md §5.1): only the first line counts. An existing empty
    /// file yields the empty value, not the default.
    /// </summary>
    public static ControlReadStatus ReadLine(string path, out byte[] value, out string? error)
    {
        value = [];
        var status = ReadAll(path, out var content, out error);
        if (status != ControlReadStatus.Ok)
            return status;
        var span = content.AsSpan();
        var newline = span.IndexOf((byte)'\n');
        if (newline >= 0)
            span = span[..newline];
        value = TrimTrailingBlanks(span).ToArray();
        return ControlReadStatus.Ok;
    }

    /// <summary>
    /// A list file (layout.md §5.2): one item per line, a last line without LF still
    /// counts, trailing blanks stripped, empty lines and lines starting with '#' skipped.
    /// </summary>
    public static ControlReadStatus ReadList(string path, out List<byte[]> items, out string? error)
    {
        items = [];
        var status = ReadAll(path, out var content, out error);
        if (status != ControlReadStatus.Ok)
            return status;
        foreach (var line in SplitList(content))
            items.Add(line.Item);
        return ControlReadStatus.Ok;
    }

    /// <summary>
    /// The items of a list file with their 1-based line numbers, for error messages that point
    /// at the line.
    /// </summary>
    public static List<ListLine> ParseListWithLineNumbers(ReadOnlySpan<byte> content) => SplitList(content);

    /// <summary>
    /// Splits a list file into its items. A plain list of a class rather than an iterator of
    /// tuples: that shape runs on precompiled code, which matters to start-up.
    /// </summary>
    private static List<ListLine> SplitList(ReadOnlySpan<byte> content)
    {
        var result = new List<ListLine>();
        var number = 0;
        while (!content.IsEmpty)
        {
            number++;
            var end = content.IndexOf((byte)'\n');
            var line = end < 0 ? content : content[..end];
            var trimmed = TrimTrailingBlanks(line);
            if (trimmed.Length > 0 && trimmed[0] != (byte)'#')
                result.Add(new ListLine(number, trimmed.ToArray()));
            content = end < 0 ? [] : content[(end + 1)..];
        }
        return result;
    }

    /// <summary>Reads a whole file; a missing file (or missing directory) is not an error.</summary>
    public static ControlReadStatus ReadAll(string path, out byte[] content, out string? error)
    {
        content = [];
        error = null;
        // Most optional files are absent: checked first, because a thrown and caught
        // FileNotFoundException costs milliseconds of start-up (README, "Start-up").
        if (!File.Exists(path) && !Directory.Exists(path))
            return ControlReadStatus.Missing;
        try
        {
            content = File.ReadAllBytes(path);
            return ControlReadStatus.Ok;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return ControlReadStatus.Missing;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            return ControlReadStatus.Error;
        }
    }

    /// <summary>
    /// A single-value file holding a decimal number (a project addition: timeouts, queue
    /// settings). Missing: <paramref name="fallback"/>. Unreadable, or not a number that
    /// <paramref name="valid"/> accepts: false, with <c>control/NAME: 'text' is not EXPECTATION</c>.
    /// </summary>
    public static bool TryReadNumber(Layout layout, string name, double fallback, Func<double, bool> valid, string expectation,
        out double value, out string error)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(valid);
        value = fallback;
        error = "";
        switch (ReadLine(layout.Control(name), out var bytes, out var readError))
        {
            case ControlReadStatus.Missing:
                return true;
            case ControlReadStatus.Error:
                error = $"unable to read control/{name}: {readError}";
                return false;
        }
        var text = System.Text.Encoding.ASCII.GetString(bytes).Trim();
        if (!double.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out value)
            || !valid(value))
        {
            value = fallback;
            error = $"control/{name}: '{text}' is not {expectation}";
            return false;
        }
        return true;
    }

    /// <summary>Strips trailing spaces, tabs and LFs (not CRs), as qmail's control reader does.</summary>
    public static ReadOnlySpan<byte> TrimTrailingBlanks(ReadOnlySpan<byte> line)
    {
        var end = line.Length;
        while (end > 0 && line[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\n')
            end--;
        return line[..end];
    }
}
