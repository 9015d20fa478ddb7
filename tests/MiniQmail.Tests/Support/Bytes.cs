using System.Globalization;
using System.Text;

namespace MiniQmail.Tests.Support;

/// <summary>The byte notation of the reference vectors: \n \r \t \0 \\ \xHH, everything else literal.</summary>
public static class Bytes
{
    public static byte[] Of(string notation)
    {
        var result = new List<byte>(notation.Length);
        for (var i = 0; i < notation.Length; i++)
        {
            var c = notation[i];
            if (c != '\\')
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
                default: throw new FormatException($"unknown escape \\{e}");
            }
        }
        return result.ToArray();
    }

    /// <summary>Shows bytes in the same notation, for readable assertion failures.</summary>
    public static string Show(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder();
        foreach (var b in bytes)
        {
            sb.Append(b switch
            {
                (byte)'\n' => "\\n",
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
