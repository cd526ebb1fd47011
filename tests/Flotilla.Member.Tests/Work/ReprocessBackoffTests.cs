using Flotilla.Api.Placement;
using Flotilla.Member.Work;

namespace Flotilla.Member.Tests.Work;

/// <summary>The multi-stage re-processing cadence (placement spec §5.9).</summary>
public sealed class ReprocessBackoffTests
{
    private const string Key = "fleet-member-a/crp-work";

    [Fact]
    public void Next_ResultsStayTheSame_FixedThenTwelveSlowStepsThenFastUpToTheCap()
    {
        var backoff = new ReprocessBackoff();

        var delays = Enumerable.Range(0, 26).Select(_ => backoff.Next(Key, 1, "h", availableOrDiffReported: false).Ticks).ToArray();

        // 5s fixed; 2s × 1.2ⁿ while ≤ 15s (12 slow requeues); then × 1.5 (14.86s → 22.29s) up to 900s. Each step is
        // the previous nanosecond count × base, truncated, as upstream's time.Duration arithmetic.
        long[] expected =
        [
            50_000_000, 20_000_000, 24_000_000, 28_800_000, 34_560_000, 41_472_000, 49_766_400, 59_719_680, 71_663_616,
            85_996_339, 103_195_607, 123_834_728, 148_601_674,
            222_902_511, 334_353_766, 501_530_650, 752_295_975, 1_128_443_962, 1_692_665_944, 2_538_998_916,
            3_808_498_374, 5_712_747_561, 8_569_121_342,
            9_000_000_000, 9_000_000_000, 9_000_000_000,
        ];
        Assert.Equal(expected, delays);
    }

    [Fact]
    public void Next_AvailableWork_SkipsTheSlowStage()
    {
        var backoff = new ReprocessBackoff();

        var delays = Enumerable.Range(0, 19).Select(_ => backoff.Next(Key, 1, "h", availableOrDiffReported: true).Ticks).ToArray();

        // The fixed and initial slow delays still come first; then × 1.5 from 2s.
        long[] expected =
        [
            50_000_000, 20_000_000, 30_000_000, 45_000_000, 67_500_000, 101_250_000, 151_875_000, 227_812_500, 341_718_750,
            512_578_125, 768_867_187, 1_153_300_781, 1_729_951_171, 2_594_926_757, 3_892_390_136, 5_838_585_205,
            8_757_877_807, 9_000_000_000, 9_000_000_000,
        ];
        Assert.Equal(expected, delays);
    }

    [Fact]
    public void Next_AvailableButSkipDisabled_BacksOffSlowly()
    {
        var backoff = new ReprocessBackoff(skipToFastBackoffForAvailableOrDiffReportedWorkObjs: false);

        var delays = Enumerable.Range(0, 4).Select(_ => backoff.Next(Key, 1, "h", availableOrDiffReported: true)).ToArray();

        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.4), TimeSpan.FromSeconds(2.88)], delays);
    }

    [Fact]
    public void Next_ThreeAttemptsWithFixedDelay_ThreeFixedDelaysBeforeTheSlowStage()
    {
        var backoff = new ReprocessBackoff(attemptsWithFixedDelay: 3, fixedDelay: TimeSpan.FromSeconds(10));

        var delays = Enumerable.Range(0, 5).Select(_ => backoff.Next(Key, 1, "h", false)).ToArray();

        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.4)], delays);
    }

    [Fact]
    public void Next_BecomesAvailableMidway_SwitchesToFastFromTheLastDelay()
    {
        var backoff = new ReprocessBackoff();
        backoff.Next(Key, 1, "h", false);
        backoff.Next(Key, 1, "h", false);
        backoff.Next(Key, 1, "h", false);

        // 2.4s × 1.5.
        Assert.Equal(TimeSpan.FromSeconds(3.6), backoff.Next(Key, 1, "h", true));
    }

    [Theory]
    [InlineData(2, "h")]
    [InlineData(1, "other")]
    public void Next_GenerationOrResultsChange_StartsOver(long generation, string hash)
    {
        var backoff = new ReprocessBackoff();
        for (var i = 0; i < 5; i++)
        {
            backoff.Next(Key, 1, "h", false);
        }

        Assert.Equal(TimeSpan.FromSeconds(5), backoff.Next(Key, generation, hash, false));
        Assert.Equal(TimeSpan.FromSeconds(2), backoff.Next(Key, generation, hash, false));
    }

    [Fact]
    public void Forget_TrackedWork_StartsOver()
    {
        var backoff = new ReprocessBackoff();
        backoff.Next(Key, 1, "h", false);
        backoff.Next(Key, 1, "h", false);

        backoff.Forget(Key);

        Assert.Equal(TimeSpan.FromSeconds(5), backoff.Next(Key, 1, "h", false));
    }

    [Fact]
    public void Next_TwoWorks_TrackedIndependently()
    {
        var backoff = new ReprocessBackoff();
        backoff.Next(Key, 1, "h", false);
        backoff.Next(Key, 1, "h", false);

        Assert.Equal(TimeSpan.FromSeconds(5), backoff.Next("fleet-member-a/other", 1, "h", false));
        Assert.Equal(TimeSpan.FromSeconds(2.4), backoff.Next(Key, 1, "h", false));
    }

    [Fact]
    public void Next_ManyWorksInParallel_EachFollowsItsOwnSequence()
    {
        var backoff = new ReprocessBackoff();

        Parallel.For(0, 64, i =>
        {
            for (var n = 0; n < 3; n++)
            {
                backoff.Next($"ns/work-{i}", 1, "h", false);
            }
        });

        Assert.All(Enumerable.Range(0, 64), i => Assert.Equal(TimeSpan.FromSeconds(2.88), backoff.Next($"ns/work-{i}", 1, "h", false)));
    }

    [Fact]
    public void Next_ManyRequeues_StaysAtTheCap()
    {
        var backoff = new ReprocessBackoff(maxFastBackoffDelay: TimeSpan.FromSeconds(60));

        var delays = Enumerable.Range(0, 500).Select(_ => backoff.Next(Key, 1, "h", false)).ToArray();

        Assert.All(delays.Skip(20), d => Assert.Equal(TimeSpan.FromSeconds(60), d));
    }

    [Theory]
    [InlineData("attemptsWithFixedDelay", 0, 5, 1.2, 2, 15, 1.5, 900)]
    [InlineData("attemptsWithFixedDelay", 41, 5, 1.2, 2, 15, 1.5, 900)]
    [InlineData("fixedDelay", 1, 1, 1.2, 2, 15, 1.5, 900)]
    [InlineData("fixedDelay", 1, 301, 1.2, 2, 15, 1.5, 900)]
    [InlineData("exponentialBaseForSlowBackoff", 1, 5, 1.01, 2, 15, 1.5, 900)]
    [InlineData("exponentialBaseForSlowBackoff", 1, 5, 1.6, 2, 15, 1.5, 900)]
    [InlineData("exponentialBaseForFastBackoff", 1, 5, 1.2, 2, 15, 2.5, 900)]
    [InlineData("initialSlowBackoffDelay", 1, 5, 1.2, 1, 15, 1.5, 900)]
    [InlineData("initialSlowBackoffDelay", 1, 5, 1.2, 20, 15, 1.5, 900)]
    [InlineData("maxSlowBackoffDelay", 1, 5, 1.2, 2, 1000, 1.5, 900)]
    [InlineData("maxFastBackoffDelay", 1, 5, 1.2, 2, 15, 1.5, 3601)]
    public void Constructor_ValueOutOfRange_ThrowsNamingTheSetting(string parameter, int attempts, double fixedSeconds, double slowBase,
        double initialSlowSeconds, double maxSlowSeconds, double fastBase, double maxFastSeconds)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ReprocessBackoff(attempts, TimeSpan.FromSeconds(fixedSeconds), slowBase,
            TimeSpan.FromSeconds(initialSlowSeconds), TimeSpan.FromSeconds(maxSlowSeconds), fastBase, TimeSpan.FromSeconds(maxFastSeconds)));

        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void ResultsHash_SameResultsDifferentErrorsOrDetails_SameHash()
    {
        var first = ReprocessBackoff.ResultsHash([Outcome(ApplyResultType.ManifestApplyFailed, AvailabilityResultType.Skipped, "webhook denied")]);
        var second = ReprocessBackoff.ResultsHash([Outcome(ApplyResultType.ManifestApplyFailed, AvailabilityResultType.Skipped, "timeout")]);

        Assert.Equal(first, second);
        Assert.Matches("^[0-9a-f]{64}$", first);
    }

    [Fact]
    public void ResultsHash_DifferentResults_DifferentHashes()
    {
        string[] hashes =
        [
            ReprocessBackoff.ResultsHash([Outcome(ApplyResultType.Applied, AvailabilityResultType.NotYetAvailable)]),
            ReprocessBackoff.ResultsHash([Outcome(ApplyResultType.Applied, AvailabilityResultType.Available)]),
            ReprocessBackoff.ResultsHash([Outcome(ApplyResultType.Applied, AvailabilityResultType.Available), Outcome(ApplyResultType.Applied, AvailabilityResultType.Available)]),
            ReprocessBackoff.ResultsHash([Outcome(null, AvailabilityResultType.Skipped) with { Diff = DiffResultType.FoundDiff }]),
            ReprocessBackoff.ResultsHash([Outcome(null, AvailabilityResultType.Skipped) with { Diff = DiffResultType.NoDiffFound }]),
            ReprocessBackoff.ResultsHash([]),
        ];

        Assert.Equal(hashes.Length, hashes.Distinct().Count());
    }

    private static ManifestOutcome Outcome(ApplyResultType? apply, AvailabilityResultType availability, string? error = null) =>
        new(new WorkResourceIdentifier { Ordinal = 0, Version = "v1", Kind = "ConfigMap", Name = "c" }, apply, error, availability, null, null, null, null, null, 1);
}
