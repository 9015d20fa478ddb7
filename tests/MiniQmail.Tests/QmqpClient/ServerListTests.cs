using System.Text;
using MiniQmail.Control;
using Xunit;

namespace MiniQmail.Tests.QmqpClient;

public class ServerListTests
{
    [Theory]
    [InlineData("10.0.0.1", "10.0.0.1", 628)]
    [InlineData("10.0.0.1:2525", "10.0.0.1", 2525)]
    [InlineData("::1", "::1", 628)]
    [InlineData("[::1]", "::1", 628)]
    [InlineData("[::1]:6280", "::1", 6280)]
    [InlineData("2001:db8::7", "2001:db8::7", 628)]
    [InlineData("mail.example.com", "mail.example.com", 628)]
    [InlineData("mail.example.com:7628", "mail.example.com", 7628)]
    [InlineData("localhost", "localhost", 628)]
    [InlineData("  10.0.0.1  # backup", "10.0.0.1", 628)]
    [InlineData("10.0.0.1\r", "10.0.0.1", 628)]
    public void Accepted_entry_forms(string entry, string host, int port)
    {
        Assert.True(QmqpServer.TryParse(Encoding.ASCII.GetBytes(entry), out var server, out var error), error);
        Assert.Equal(host, server!.Host);
        Assert.Equal(port, server.Port);
    }

    [Theory]
    [InlineData("127.0.0.266", "not an IPv4 address")] // the original wraps it to 127.0.0.10 (Q18)
    [InlineData("10.0.0", "not an IPv4 address")]
    [InlineData("010.0.0.1", "not an IPv4 address")]
    [InlineData("10.0.0.1:0", "not a port number")]
    [InlineData("10.0.0.1:65536", "not a port number")]
    [InlineData("10.0.0.1:smtp", "not a port number")]
    [InlineData("[::1", "'[' without ']'")]
    [InlineData("[10.0.0.1]:628", "not an IPv6 address")]
    [InlineData("[::1]x", "unexpected text")]
    [InlineData("::1:628:x", "not an IPv6 address")]
    [InlineData("bad_host.example", "not a host name")]
    [InlineData("-bad.example", "not a host name")]
    [InlineData("a..b", "not a host name")]
    [InlineData("mail.example.com 10.0.0.1", "not a host name")]
    [InlineData("m\u00e4il.example", "non-ASCII")]
    public void Malformed_entries_are_errors_with_a_reason(string entry, string reason)
    {
        Assert.False(QmqpServer.TryParse(Encoding.UTF8.GetBytes(entry), out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Comments_blank_lines_and_trailing_blanks_are_skipped_and_order_kept() // Q03's file, extended
    {
        var content = "# primary\n\n127.0.0.10  \n   \n  # indented comment\n[::1]:6280\r\nmail.example.com"u8;
        Assert.True(QmqpConfig.TryParseServers(content, out var servers, out var error), error);
        Assert.Equal(["127.0.0.10:628", "[::1]:6280", "mail.example.com:628"], servers.Select(s => s.ToString()));
    }

    [Fact]
    public void A_malformed_line_names_its_line_number()
    {
        Assert.False(QmqpConfig.TryParseServers("127.0.0.1\n# c\n127.0.0.266\n"u8, out _, out var error));
        Assert.Equal("control/qmqpservers line 3: '127.0.0.266' is not an IPv4 address", error);
    }

    [Fact]
    public void A_file_without_servers_is_an_error()
    {
        Assert.False(QmqpConfig.TryParseServers("# nothing\n\n"u8, out _, out var error));
        Assert.Contains("lists no server", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Timeouts_come_from_control_files_and_default_to_the_originals()
    {
        using var home = new Support.ScratchHome();
        home.Servers("127.0.0.1");
        Assert.True(QmqpConfig.TryLoad(new Layout(home.Home), out var config, out var error), error);
        Assert.Equal(QmqpTimeouts.Default, config!.Timeouts);
        home.WriteControl("timeoutqmqpconnect", "2.5\n").WriteControl("timeoutqmqp", "30\n");
        Assert.True(QmqpConfig.TryLoad(new Layout(home.Home), out config, out error), error);
        Assert.Equal(TimeSpan.FromSeconds(2.5), config!.Timeouts.Connect);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Timeouts.Io);
        home.WriteControl("timeoutqmqp", "soon\n");
        Assert.False(QmqpConfig.TryLoad(new Layout(home.Home), out _, out error));
        Assert.Contains("control/timeoutqmqp", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_files_keep_carriage_returns_and_use_only_the_first_line()
    {
        using var home = new Support.ScratchHome();
        home.WriteControl("idhost", "client1.example.com\r\nsecond\n");
        Assert.Equal(ControlReadStatus.Ok, ControlFile.ReadLine(home.Control("idhost"), out var value, out _));
        Assert.Equal("client1.example.com\r"u8.ToArray(), value);
        Assert.Equal(ControlReadStatus.Missing, ControlFile.ReadLine(home.Control("nothere"), out _, out _));
    }
}
