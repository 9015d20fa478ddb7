namespace MiniQmail.StartupHello;

internal static class Program
{
    private static void Main() => Console.WriteLine("Hello, World!");
}
