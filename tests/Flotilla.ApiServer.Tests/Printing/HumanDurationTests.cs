using Flotilla.ApiServer.Printing;

namespace Flotilla.ApiServer.Tests.Printing;

public sealed class HumanDurationTests
{
    // Each boundary of upstream duration.HumanDuration, from both sides.
    [Theory]
    [InlineData(-3_000L, "<invalid>")]
    [InlineData(-2_000L, "<invalid>")]
    [InlineData(-1_999L, "0s")]
    [InlineData(-1_000L, "0s")]
    [InlineData(-1L, "0s")]
    [InlineData(0L, "0s")]
    [InlineData(999L, "0s")]
    [InlineData(45_000L, "45s")]
    [InlineData(119_999L, "119s")]
    [InlineData(120_000L, "2m")]
    [InlineData(121_000L, "2m1s")]
    [InlineData(192_000L, "3m12s")]
    [InlineData(599_000L, "9m59s")]
    [InlineData(600_000L, "10m")]
    [InlineData(659_000L, "10m")]
    [InlineData(42L * 60_000, "42m")]
    [InlineData(179L * 60_000 + 59_000, "179m")]
    [InlineData(180L * 60_000, "3h")]
    [InlineData(181L * 60_000, "3h1m")]
    [InlineData(307L * 60_000, "5h7m")]
    [InlineData(479L * 60_000, "7h59m")]
    [InlineData(480L * 60_000, "8h")]
    [InlineData(30L * 3_600_000, "30h")]
    [InlineData(47L * 3_600_000 + 3_599_000, "47h")]
    [InlineData(48L * 3_600_000, "2d")]
    [InlineData(49L * 3_600_000, "2d1h")]
    [InlineData(76L * 3_600_000, "3d4h")]
    [InlineData(191L * 3_600_000, "7d23h")]
    [InlineData(192L * 3_600_000, "8d")]
    [InlineData(120L * 86_400_000, "120d")]
    [InlineData(729L * 86_400_000 + 86_399_000, "729d")]
    [InlineData(730L * 86_400_000, "2y")]
    [InlineData(760L * 86_400_000, "2y30d")]
    [InlineData(8L * 365 * 86_400_000 - 3_600_000, "7y364d")]
    [InlineData(8L * 365 * 86_400_000, "8y")]
    [InlineData(9L * 365 * 86_400_000 + 200L * 86_400_000, "9y")]
    public void Format_Duration_MatchesUpstream(long milliseconds, string expected)
    {
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Fact]
    public void Since_NullTimestamp_IsUnknown()
    {
        Assert.Equal("<unknown>", HumanDuration.Since(null, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void Since_Timestamp_IsAgeAtNow()
    {
        var now = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal("5h7m", HumanDuration.Since(now.AddMinutes(-307), now));
    }
}
