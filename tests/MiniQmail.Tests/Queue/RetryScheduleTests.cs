using MiniQmail.Qmqp.Transport;
using MiniQmail.Queue;
using Xunit;

namespace MiniQmail.Tests.Queue;

public class RetryScheduleTests
{
    private static readonly TimeSpan Base = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Cap = TimeSpan.FromHours(2);
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 60)]
    [InlineData(2, 120)]
    [InlineData(3, 240)]
    [InlineData(7, 3840)]
    [InlineData(8, 7200)]
    [InlineData(40, 7200)]
    public void The_delay_doubles_with_each_attempt_up_to_the_cap_and_jitter_takes_at_most_half(int attempts, double fullSeconds)
    {
        var longest = RetrySchedule.Delay(attempts, AttemptStatus.ConnectFailed, Base, Cap, () => 0.999999);
        var shortest = RetrySchedule.Delay(attempts, AttemptStatus.ConnectFailed, Base, Cap, () => 0);
        Assert.Equal(fullSeconds / 2, shortest.TotalSeconds, 3);
        Assert.Equal(fullSeconds, longest.TotalSeconds, 1);
    }

    [Fact]
    public void The_next_attempt_is_a_pure_function_of_its_inputs()
    {
        var a = RetrySchedule.Next(3, AttemptStatus.CommunicationFailed, Now, Base, Cap, () => 0.25);
        var b = RetrySchedule.Next(3, AttemptStatus.CommunicationFailed, Now, Base, Cap, () => 0.25);
        Assert.Equal(a, b);
        Assert.Equal(Now + TimeSpan.FromSeconds(150), a);
    }

    [Fact]
    public void A_server_that_answered_Z_gets_twice_the_room()
    {
        var silent = RetrySchedule.Delay(2, AttemptStatus.ConnectTimeout, Base, Cap, () => 0.5);
        var busy = RetrySchedule.Delay(2, AttemptStatus.TemporaryRefusal, Base, Cap, () => 0.5);
        Assert.Equal(silent * 2, busy);
    }

    [Fact]
    public void Jitter_spreads_a_thousand_hosts_over_half_the_interval()
    {
        var random = new Random(7);
        var delays = Enumerable.Range(0, 1000).Select(_ => RetrySchedule.Delay(1, AttemptStatus.ConnectFailed, Base, Cap, random.NextDouble).TotalSeconds).ToArray();
        Assert.InRange(delays.Min(), 30, 32);
        Assert.InRange(delays.Max(), 58, 60);
        Assert.True(delays.Distinct().Count() > 900);
    }
}
