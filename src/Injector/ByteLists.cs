namespace MiniQmail.Injector;

/// <summary>
/// Appending bytes to a <see cref="List{T}"/> of bytes. A plain loop in this assembly is
/// precompiled with it; the runtime's span overload of AddRange is not, and compiling it costs
/// start-up time on every sendmail call (README, "Start-up").
/// </summary>
public static class ByteLists
{
    public static void Append(this List<byte> list, ReadOnlySpan<byte> bytes)
    {
        if (list.Capacity < list.Count + bytes.Length)
            list.Capacity = Math.Max(list.Count + bytes.Length, list.Capacity * 2);
        foreach (var b in bytes)
            list.Add(b);
    }
}
