using System.Text;
using MiniQmail.Control;
using MiniQmail.Tests.Support;
using Xunit;
using ShowCtlReport = MiniQmail.Installer.ShowCtl.ShowCtl;

namespace MiniQmail.Tests.Installer;

public class ShowCtlTests
{
    private static int? NoAccounts(string name) => null;

    private static string Render(ScratchHome home, Func<string, int?>? users = null)
    {
        var report = ShowCtlReport.Render(new Layout(home.Home), users ?? NoAccounts, NoAccounts);
        Assert.Equal(0, report.ExitCode);
        return Encoding.ASCII.GetString(report.Output);
    }

    private static ScratchHome ExampleHost() =>
        new ScratchHome()
            .WriteControl("me", "client1.example.com\n")
            .WriteControl("defaultdomain", "example.com\n")
            .WriteControl("plusdomain", "example.com\n")
            .WriteControl("idhost", "client1.example.com\n")
            .WriteControl("qmqpservers", "10.0.0.1\n# backup next\n10.0.0.2\n");

    [Fact]
    public void The_worked_lines_of_the_spec_are_printed_for_the_example_host()
    {
        using var home = ExampleHost();
        var text = Render(home);
        Assert.Contains(
            "\ndefaultdomain: Default domain name is example.com.\n" +
            "\ndefaulthost: (Default.) Default host name is client1.example.com.\n" +
            "\ndoublebouncehost: (Default.) 2B recipient host: client1.example.com.\n", text, StringComparison.Ordinal);
        Assert.Contains("\nidhost: Message-ID host name is client1.example.com.\n", text, StringComparison.Ordinal);
        Assert.Contains("\nme: My name is client1.example.com.\n", text, StringComparison.Ordinal);
        Assert.Contains("\nplusdomain: Plus domain name is example.com.\n", text, StringComparison.Ordinal);
        Assert.Contains("\nqmqpservers: \nQMQP server: 10.0.0.1.\nQMQP server: 10.0.0.2.\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_header_shows_the_home_and_question_marks_for_missing_accounts()
    {
        using var home = ExampleHost();
        var text = Render(home, name => name == "root" ? 0 : null);
        Assert.StartsWith(
            $"qmail home directory: {home.Home}.\n" +
            "user-ext delimiter: -.\n" +
            "paternalism (in decimal): 2.\n" +
            "silent concurrency limit: 120.\n" +
            "subdirectory split: 23.\n" +
            "user ids: ?, ?, ?, 0, ?, ?, ?, ?.\n" +
            "group ids: ?, ?.\n" +
            "\nbadmailfrom: (Default.) Any MAIL FROM is allowed.\n" +
            "\nbouncefrom: (Default.) Bounce user name is MAILER-DAEMON.\n" +
            "\nbouncehost: (Default.) Bounce host name is client1.example.com.\n" +
            "\nconcurrencylocal: (Default.) Local concurrency is 10.\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\nvirtualdomains: (Default.) No virtual domains.\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_me_the_literal_defaults_apply()
    {
        using var home = new ScratchHome();
        var text = Render(home);
        Assert.Contains("\nme: (Default.) My name is undefined! Uh-oh.\n", text, StringComparison.Ordinal);
        Assert.Contains("\nidhost: (Default.) Message-ID host name is idhost.\n", text, StringComparison.Ordinal);
        Assert.Contains("\nqmqpservers: (Default.) No QMQP servers.\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Numbers_lists_and_unknown_files_are_interpreted_as_the_reference_does()
    {
        using var home = ExampleHost()
            .WriteControl("databytes", "1000abc\n")
            .WriteControl("timeoutremote", "x12\n")
            .WriteControl("rcpthosts", "example.com\n")
            .WriteControl("locals", "")
            .WriteControl("timeoutqmqp", "30\n")
            .WriteControl("bouncefrom", "b\u00e9\r\n");
        var text = Render(home);
        Assert.Contains("\ndatabytes: SMTP DATA limit is 1000 bytes.\n", text, StringComparison.Ordinal);
        Assert.Contains("\ntimeoutremote: (Default.) SMTP client data timeout is 1200 seconds.\n", text, StringComparison.Ordinal);
        Assert.Contains("\nrcpthosts: \nSMTP clients may send messages to recipients at example.com.\n", text, StringComparison.Ordinal);
        Assert.Contains("\nmorercpthosts: (Default.) No effect.\n", text, StringComparison.Ordinal);
        Assert.Contains("\nlocals: \n\nme: ", text, StringComparison.Ordinal);
        Assert.Contains("\ntimeoutqmqp: I have no idea what this file does.\n", text, StringComparison.Ordinal);
        Assert.Contains("\nbouncefrom: Bounce user name is b???.\n", text, StringComparison.Ordinal); // two UTF-8 bytes and the CR
    }

    [Fact]
    public void Morercpthosts_without_rcpthosts_is_irrelevant_and_its_cdb_is_checked()
    {
        using var home = ExampleHost().WriteControl("morercpthosts", "other.example\n");
        var text = Render(home);
        Assert.Contains("\nmorercpthosts: \nNo rcpthosts; doesn't matter that morercpthosts has other.example.\n", text, StringComparison.Ordinal);
        Assert.Contains("\nmorercpthosts.cdb: Oops! morercpthosts exists but morercpthosts.cdb doesn't.\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_control_directory_is_reported_with_exit_111()
    {
        using var home = new ScratchHome();
        Directory.Delete(Path.Combine(home.Home, "control"));
        var report = ShowCtlReport.Render(new Layout(home.Home), NoAccounts, NoAccounts);
        Assert.Equal(111, report.ExitCode);
        Assert.EndsWith("group ids: ?, ?.\nOops! Unable to chdir to control.\n", Encoding.ASCII.GetString(report.Output), StringComparison.Ordinal);
    }

    [Fact]
    public void The_installed_program_prints_the_report_on_standard_output()
    {
        using var home = ExampleHost();
        var result = ProgramRunner.Run(home.Bin("qmail-showctl"), env: home.Environment());
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\nqmqpservers: \nQMQP server: 10.0.0.1.\n", result.StdoutText, StringComparison.Ordinal);
        Assert.Contains("user ids: ", result.StdoutText, StringComparison.Ordinal);
        Assert.Equal("", result.StderrText);
    }
}
