using System.Globalization;
using System.Text;

namespace MiniQmail.Tests.Support;

/// <summary>
/// The byte notation of the reference vectors: \n \r \t \0 \\ \xHH, {N*c} for c repeated N
/// times, everything else literal (a backslash before any other character stays as it is).
/// </summary>
public static class Bytes
{
    public static byte[] Of(string notation)
    {
        var result = new List<byte>(notation.Length);
        for (var i = 0; i < notation.Length; i++)
        {
            var c = notation[i];
            if (c == '{' && notation.IndexOf('}', i) is var close and > 0 && notation.IndexOf('*', i) is var star and > 0 && star < close
                && int.TryParse(notation.AsSpan(i + 1, star - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                var repeated = Encoding.UTF8.GetBytes(notation[(star + 1)..close]);
                for (var k = 0; k < count; k++)
                    result.AddRange(repeated);
                i = close;
                continue;
            }
            if (c != '\\' || i + 1 == notation.Length)
            {
                result.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                continue;
            }
            var e = notation[++i];
            switch (e)
            {
                case 'n': result.Add((byte)'\n'); break;
                case 'r': result.Add((byte)'\r'); break;
                case 't': result.Add((byte)'\t'); break;
                case '0': result.Add(0); break;
                case '\\': result.Add((byte)'\\'); break;
                case 'x':
                    result.Add(byte.Parse(notation.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                default:
                    result.Add((byte)'\\');
                    result.AddRange(Encoding.UTF8.GetBytes(e.ToString()));
                    break;
            }
        }
        return result.ToArray();
    }

    /// <summary>
    /// Shows bytes in the same notation, for readable assertion failures; with
    /// <paramref name="breakLines"/> each \n is followed by a real line break, as in vectors.md.
    /// </summary>
    public static string Show(ReadOnlySpan<byte> bytes, bool breakLines = false)
    {
        var sb = new StringBuilder();
        foreach (var b in bytes)
        {
            sb.Append(b switch
            {
                (byte)'\n' => breakLines ? "\\n\n" : "\\n",
                (byte)'\r' => "\\r",
                (byte)'\t' => "\\t",
                0 => "\\0",
                (byte)'\\' => "\\\\",
                >= 0x20 and < 0x7f => ((char)b).ToString(),
                _ => $"\\x{b:x2}",
            });
        }
        return sb.ToString();
    }
}
