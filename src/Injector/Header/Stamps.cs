using System.Globalization;
using System.Text;

namespace MiniQmail.Injector.Header;

/// <summary>The Date and Message-ID texts qmail-inject and predate write (qmail-inject.md §9.1, §9.2; tools.md predate).</summary>
public static class Stamps
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary><c>5 Jan 2024 03:04:05 -0000</c>: UTC, no day of week, the zone written as unknown.</summary>
    public static string UtcDate(long unixSeconds)
    {
        var t = DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime;
        return DateText(t) + " -0000";
    }

    /// <summary>
    /// predate's local form, <c>4 Jan 2024 22:04:05 -0500</c>: the offset is local minus UTC,
    /// rounded to the minute, and UTC itself is written <c>+0000</c>.
    /// </summary>
    public static string LocalDate(long unixSeconds, TimeZoneInfo zone)
    {
        var utc = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        var local = TimeZoneInfo.ConvertTime(utc, zone);
        var minutes = (int)Math.Round(local.Offset.TotalMinutes);
        var sign = minutes < 0 ? '-' : '+';
        minutes = Math.Abs(minutes);
        return DateText(local.DateTime) + " " + sign
            + (minutes / 60).ToString("00", CultureInfo.InvariantCulture) + (minutes % 60).ToString("00", CultureInfo.InvariantCulture);
    }

    private static string DateText(DateTime t) => string.Create(CultureInfo.InvariantCulture,
        $"{t.Day} {Months[t.Month - 1]} {t.Year:0000} {t.Hour:00}:{t.Minute:00}:{t.Second:00}");

    /// <summary><c>&lt;YYYYMMDDHHMMSS.PID.qmail@IDHOST&gt;</c>, the id host copied byte for byte.</summary>
    public static byte[] MessageId(long unixSeconds, int pid, ReadOnlySpan<byte> idHost)
    {
        var t = DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime;
        var prefix = string.Create(CultureInfo.InvariantCulture,
            $"<{t.Year:0000}{t.Month:00}{t.Day:00}{t.Hour:00}{t.Minute:00}{t.Second:00}.{pid}.qmail@");
        return [.. Encoding.ASCII.GetBytes(prefix), .. idHost, (byte)'>'];
    }
}
