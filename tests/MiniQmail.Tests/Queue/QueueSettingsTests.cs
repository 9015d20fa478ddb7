using MiniQmail.Control;
using MiniQmail.Queue;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.Queue;

public class QueueSettingsTests
{
    [Fact]
    public void Without_control_queue_the_queue_is_off()
    {
        using var home = new ScratchHome();
        var layout = new Layout(home.Home);
        Assert.False(QueueSettings.IsEnabled(layout));
        Assert.False(QueueSettings.TryLoad(layout, out _, out var error));
        Assert.Contains("off", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "queue")]
    [InlineData("\n", "queue")]
    [InlineData("spool/q  \n# ignored\n", "spool/q")]
    public void An_empty_or_relative_first_line_names_a_directory_under_the_home(string content, string expected)
    {
        using var home = new ScratchHome();
        home.WriteControl("queue", content);
        Assert.True(QueueSettings.TryLoad(new Layout(home.Home), out var settings, out _));
        Assert.Equal(Path.Combine(home.Home, expected), settings!.Directory);
    }

    [Fact]
    public void An_absolute_directory_and_every_number_are_taken_as_written_and_defaults_fill_the_rest()
    {
        using var home = new ScratchHome();
        home.WriteControl("queue", "/srv/mailqueue\n").WriteControl("queuelifetime", "3600\n").WriteControl("queueconcurrency", "16\n");
        Assert.True(QueueSettings.TryLoad(new Layout(home.Home), out var settings, out _));
        Assert.Equal("/srv/mailqueue", settings!.Directory);
        Assert.Equal(TimeSpan.FromHours(1), settings.Lifetime);
        Assert.Equal(16, settings.Concurrency);
        Assert.Equal(QueueSettings.DefaultBackoffBase, settings.BackoffBase);
        Assert.Equal(QueueSettings.DefaultBackoffCap, settings.BackoffCap);
    }

    [Theory]
    [InlineData("queuelifetime", "0")]
    [InlineData("queueconcurrency", "1000")]
    [InlineData("queuebackoff", "-5")]
    [InlineData("queuebackoffmax", "soon")]
    public void A_malformed_number_is_an_error_that_names_the_file(string file, string value)
    {
        using var home = new ScratchHome();
        home.WriteControl("queue", "").WriteControl(file, value + "\n");
        Assert.False(QueueSettings.TryLoad(new Layout(home.Home), out _, out var error));
        Assert.StartsWith($"control/{file}: '{value}' is not a number from ", error, StringComparison.Ordinal);
    }
}
